"""Log in, refresh and log out (docs/protocol.md "Log in"); the rules are in services/auth.py."""

from __future__ import annotations

from typing import Any

from flask import request

from ..json_body import Blueprint
from ..schemas.auth import (
    DeviceLabelIn,
    DeviceLabelOut,
    LoginIn,
    RefreshIn,
    TokenPairOut,
    UserOut,
)
from ..security import (
    current_caller,
    login_required,
)
from ..services import auth
from ..services.unit import unit_of_work

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Log in and tokens")


@blp.post("/login")
@blp.arguments(LoginIn)
@blp.response(200, TokenPairOut)
def login(body: dict[str, Any]) -> dict[str, Any]:
    """Log in on a device; registers the device on first use."""
    with unit_of_work():
        return auth.login(
            body["username"],
            body["password"],
            str(body["device_id"]),
            body["device_name"],
            address=request.remote_addr or "",
        )


@blp.post("/refresh")
@blp.arguments(RefreshIn)
@blp.response(200, TokenPairOut)
def refresh(body: dict[str, Any]) -> dict[str, Any]:
    """Rotate a refresh token: the old one dies; reusing it revokes its whole family."""
    with unit_of_work():
        return auth.refresh(body["refresh_token"])


@blp.post("/logout")
@login_required()
@blp.response(204)
def logout() -> None:
    """End this session: every token of its family is revoked."""
    with unit_of_work():
        auth.logout(current_caller())


@blp.put("/device")
@login_required()
@blp.arguments(DeviceLabelIn)
@blp.response(200, DeviceLabelOut)
def label_device(body: dict[str, Any]) -> Any:
    """Name the caller's own device ("Tablet Blok A"), so admins can tell it from the others."""
    with unit_of_work():
        return auth.label_device(current_caller(), body["label"])


@blp.get("/me")
@login_required()
@blp.response(200, UserOut)
def me() -> Any:
    """The logged-in user."""
    return current_caller().user
