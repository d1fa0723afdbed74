"""The OpenAPI 3 document and its readable page."""

from __future__ import annotations


def test_openapi_document_lists_every_route_with_schemas(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    expected = {
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/conflicts",
        "/api/v1/conflicts/{conflict_id}/resolve",
        "/api/v1/sessions/{session_id}/review",
        "/api/v1/reports/summary",
        "/api/v1/reports/export",
        "/api/v1/admin/devices",
    }
    assert expected <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert {"PushIn", "PullOut", "SessionFields", "ClientFields", "ResolveIn"} <= set(schemas)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    push = spec["paths"]["/api/v1/sync/push"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("PushIn")


def test_docs_page_is_readable_html_without_outside_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert "/api/v1/sync/push" in page and "ClientFields" in page
    assert "<script" not in page


def test_error_answers_are_documented_as_problem_details(client):
    document = client.get("/api/v1/openapi.json").get_json()
    responses = document["components"]["responses"]
    for name in ("UNPROCESSABLE_ENTITY", "DEFAULT_ERROR"):
        assert list(responses[name]["content"]) == ["application/problem+json"], name
    for name, response in responses.items():
        assert "application/json" not in response.get("content", {}), name
