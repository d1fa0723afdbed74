"""A readable page of the OpenAPI document, rendered on the server (no script from elsewhere)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from ..extensions import api

bp = Blueprint("docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def _first_schema(response: dict[str, Any]) -> dict[str, Any] | None:
    content: dict[str, Any] = response.get("content", {})
    first: dict[str, Any] = next(iter(content.values()), {})
    return first.get("schema")


def _ref_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    items: dict[str, Any] = schema.get("items") or {}
    ref = str(schema.get("$ref") or items.get("$ref", ""))
    return ref.rsplit("/", 1)[-1]


@bp.get("/api/v1/docs")
def docs() -> str:
    """Every route with its summary, parameters, body and answers; then every schema."""
    spec = api.spec.to_dict()
    operations = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": op.get("parameters", []) + item.get("parameters", []),
                    "body": _ref_name(body.get("schema")),
                    "responses": {
                        code: _ref_name(_first_schema(r)) or r.get("description", "")
                        for code, r in op.get("responses", {}).items()
                    },
                }
            )
    schemas = spec.get("components", {}).get("schemas", {})
    return render_template("docs.html", info=spec["info"], operations=operations, schemas=schemas)
