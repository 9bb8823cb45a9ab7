# The API's full version (semantic versioning); the path carries the major.
API_VERSION = "1.0.0"
