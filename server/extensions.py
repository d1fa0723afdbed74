"""Extensions made at module level and bound to the app in create_app."""

from __future__ import annotations

import http

from flask_cors import CORS
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every Pulih table."""


class ProblemApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, documenting error answers as application/problem+json (RFC 9457)."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            content_type = "application/json"
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                content_type = "application/problem+json"
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, "application/problem+json")
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = ProblemApi()
cors = CORS()
