"""Every error leaves the server as one RFC 9457 problem-details shape."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from .services.errors import (
    BadRequest,
    DeviceRevoked,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    StateConflict,
    TooLarge,
    TooManyAttempts,
    Unauthorized,
)

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://pulih.id/problems/"
PROBLEM_JSON = "application/problem+json"


# The one place where a domain error becomes an HTTP status; the most specific class wins.
STATUS_OF: dict[type[DomainError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    StateConflict: 409,
    TooLarge: 413,
    Invalid: 422,
    TooManyAttempts: 429,
}
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Validation failed",
    429: "Too Many Requests",
}


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error."""
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


class ApiProblem(Exception):
    """An error a route answers on purpose, with a problem slug and optional per-field errors."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str = "",
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    members: dict[str, Any] | None = None,
) -> Response:
    """Build an application/problem+json response (`members`: extension members, RFC 9457)."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if errors:
        body["errors"] = errors
    body |= members or {}
    response = jsonify(body)
    response.status_code = status
    response.content_type = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _slug(title: str) -> str:
    return title.lower().replace(" ", "-").replace("'", "")


def from_http_exception(error: HTTPException) -> Response:
    """Turn a werkzeug/flask-smorest HTTP error into problem details, keeping its headers."""
    status = error.code or 500
    title = error.name or "Error"
    data = getattr(error, "data", None) or {}
    errors = None
    detail = error.description or title
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        # webargs nests messages by location: {"json": {...}, "query": {...}}
        flat: dict[str, Any] = {}
        for _location, per_field in messages.items():
            if isinstance(per_field, dict):
                flat.update(per_field)
            else:
                flat["_schema"] = per_field
        errors = flat
        detail = "The request has invalid fields; see errors."
        if status == 422:
            return problem(422, "validation", "Validation failed", detail, errors)
    if status == 400 and isinstance(data, dict) and data.get("message"):
        detail = str(data["message"])
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type",)}
    return problem(status, _slug(title), title, detail, errors, headers)


def register_error_handlers(app: Flask) -> None:
    """Install the handlers that make every error a problem-details answer."""

    @app.errorhandler(ApiProblem)
    def handle_api_problem(error: ApiProblem) -> Response:
        title = TITLES.get(error.status, "Error")
        return problem(error.status, error.slug, title, error.detail, error.errors, error.headers)

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> Response:
        status = status_of(error)
        headers: dict[str, str] = {}
        if isinstance(error, Unauthorized) and error.challenge:
            headers["WWW-Authenticate"] = error.challenge
        if isinstance(error, TooManyAttempts):
            headers["Retry-After"] = str(error.retry_after)
        title = TITLES.get(status, "Error")
        members = {"reason": error.reason} if isinstance(error, DeviceRevoked) else None
        return problem(status, error.slug, title, error.detail, error.errors, headers, members)

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException) -> Response:
        return from_http_exception(error)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Response:
        # The frames go to the log, never to the caller, and never the exception's message: it can
        # repeat what a device sent (an answer key, a name).
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled error: %s\n%s", type(error).__name__, frames)
        return problem(500, "internal", "Internal Server Error", "An unexpected error occurred.")
