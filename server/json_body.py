"""Request bodies as JSON, within limits: a depth, and numbers of a size Python parses.

Python's parser raises RecursionError on deep nesting and ValueError on an integer of more than
4,300 digits; neither is the JSONDecodeError that webargs turns into a 400. Every body the API
reads goes through `load_json`, so both become "Invalid JSON body." (400), never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

MAX_DEPTH = 32  # the deepest body of the protocol (push > change > fields > urine_test) is 5


class InvalidJson(json.JSONDecodeError):
    """A body that is not JSON the API takes; webargs answers it with 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "<body>", 0)  # a non-empty doc: not an empty body


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def load_json(data: bytes | str) -> Any:
    """Parse a body; InvalidJson when it is not JSON, too deep, or holds an unparseable number."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text)
    except json.JSONDecodeError:
        raise
    except (RecursionError, ValueError):  # nesting, a 4,300-digit number, bad UTF-8
        raise InvalidJson("The body is not JSON this API takes.") from None
    if _too_deep(value):
        raise InvalidJson(f"The body is nested more than {MAX_DEPTH} levels deep.")
    return value


class SafeParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies with `load_json`."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        return load_json(req.get_data(cache=True))


class Blueprint(SmorestBlueprint):  # type: ignore[misc]
    """The API's blueprints: flask-smorest's, with the bounded JSON parser."""

    ARGUMENTS_PARSER = SafeParser()
