# One of every record, as the acties tests use it: the security tests visit
# every page.
from tests.acties.conftest import world  # noqa: F401
