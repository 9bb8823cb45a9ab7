"""The OpenAPI document's description of the token scheme."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Een persoonlijk API-token (apt_…), aan te maken op "
                "/account/api-tokens/ of met `manage.py create_api_token`; of, "
                "als eenmalige aanmelding (OIDC) is ingesteld, een access token "
                "van de inlogdienst."
            ),
        }


class AutoSchema(openapi.AutoSchema):
    """Descriptions only where they are written for the document (in Dutch):
    never a class's docstring, which speaks to the code's readers."""

    def get_description(self):
        return ""

    def _get_request_body(self, direction="request"):
        # A removal that asks a reason (koppelingen) carries a body, which the
        # generator leaves out for DELETE by default.
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


def dutch_parameters(result, generator, request, public):
    """Post-processing of the document: the id in a path in Dutch and typed as
    the URL takes it; free text in a query without NUL, which no text field
    of a form accepts (400)."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["description"] = "Het numerieke id van het record."
                    # The URL takes digits only (lookup_value_regex).
                    parameter["schema"] = {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 10**18 - 1,
                    }
                schema = parameter.get("schema", {})
                if (
                    parameter["in"] == "query"
                    and schema.get("type") == "string"
                    and not ({"enum", "format", "pattern"} & set(schema))
                ):
                    schema["pattern"] = "^[^\\x00]*$"
    return result
