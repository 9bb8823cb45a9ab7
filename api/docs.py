"""``/api/v1/docs``: the OpenAPI document as a page of this site, in Dutch,
server-rendered and without scripts (so under the site's own CSP and
accessible as every other page), generated from the same document that
``/api/v1/openapi.json`` serves."""

from functools import cache

from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator


@cache
def document() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"lijst van {_type(schema.get('items', {}), components)}"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"] if v not in ("", None))
    kind = schema.get("type", "")
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    return kind


def _fields(schema: dict, components: dict) -> list[dict]:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type(spec, components),
            "required": name in required,
            "read_only": spec.get("readOnly", False),
            "description": spec.get("description", ""),
        }
        for name, spec in schema.get("properties", {}).items()
    ]


def operations() -> list[dict]:
    doc = document()
    components = doc.get("components", {}).get("schemas", {})
    groups: dict[str, list] = {}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            groups.setdefault(path.split("/")[3], []).append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "public": "security" not in op,
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {}), components),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _fields(body, components) if body else [],
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return sorted(groups.items())


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        doc = document()
        return super().get_context_data(info=doc["info"], groups=operations(), **kwargs)
