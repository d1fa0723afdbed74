"""One blueprint module per resource, registered on the flask-smorest Api."""

from __future__ import annotations

from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    """Register every API blueprint."""
    from . import admin, aftercare, auth, conflicts, program, reports, review, sync, sync_health

    modules = (auth, sync, review, reports, conflicts, admin, program, sync_health, aftercare)
    for module in modules:
        api.register_blueprint(module.blp)
