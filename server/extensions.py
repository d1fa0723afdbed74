"""Extensions made at module level and bound to the app in create_app."""

from __future__ import annotations

from flask_cors import CORS
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every Pulih table."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
cors = CORS()
