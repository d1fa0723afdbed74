"""A device in words an admin recognises: model, browser and system parsed from the user agent
it gave at login (ua-parser, the uap-core rules), its user's name for it, and a short id."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ua_parser import parse

from ..models import Device

# "Other" is what the rules say when they know nothing: shown as nothing.
UNKNOWN = "Other"


def _version(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


@lru_cache(maxsize=1024)
def describe(user_agent: str) -> dict[str, str | None]:
    """Model, browser and system of a user agent; None for what it does not say."""
    result = parse(user_agent or "")
    agent, system, device = result.user_agent, result.os, result.device
    model = None
    if device is not None and device.family != UNKNOWN:
        model = " ".join(
            p for p in (device.brand, device.model) if p and not p.startswith("Generic")
        )
        model = model or device.family
    browser = (
        f"{agent.family} {_version(agent.major)}".strip()
        if agent and agent.family != UNKNOWN
        else None
    )
    os = (
        f"{system.family} {_version(system.major, system.minor)}".strip()
        if system and system.family != UNKNOWN
        else None
    )
    return {"model": model, "browser": browser, "os": os}


def short_id(device_id: str) -> str:
    """The first eight characters of a device id: enough to tell devices apart on a list."""
    return device_id[:8]


def device_words(device: Device) -> dict[str, Any]:
    """The parsed description, the user's label and the short id of a device."""
    return describe(device.name or "") | {"label": device.label, "short_id": short_id(device.id)}
