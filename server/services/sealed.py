"""Sealed changes: what a device keeps of its outbox that only the server can read.

A device seals each outbox change to the server's current public key (ECDH P-256 with a fresh
key pair per change, HKDF-SHA-256, AES-256-GCM; docs/protocol.md "Sealed changes"). The copy
survives the device's vault being destroyed, and reaches the server with the next push of that
user, where it is opened and handled exactly like a plain change (idempotent by change_id).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Device, SealKey, User
from ..security import Caller
from .audit import audit
from .errors import NotFound
from .push import push

HKDF_INFO = b"pulih-sealed-v1"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _kid(private: ec.EllipticCurvePrivateKey) -> str:
    raw = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return hashlib.sha256(raw).hexdigest()[:32]


def _load(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("a seal key must be an EC P-256 private key")
    return key


def _pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _configured() -> ec.EllipticCurvePrivateKey | None:
    pem = current_app.config.get("SEAL_PRIVATE_KEY_PEM") or ""
    return _load(pem) if pem else None


def rotate_key() -> str:
    """Make a new current key pair (older ones keep opening what was sealed to them); its kid."""
    private = ec.generate_private_key(ec.SECP256R1())
    kid = _kid(private)
    db.session.add(SealKey(id=kid, private_pem=_pem(private)))
    db.session.flush()
    return kid


def current_key() -> tuple[str, ec.EllipticCurvePrivateKey]:
    """The key devices seal to now: the configured one, else the newest stored (made if none)."""
    configured = _configured()
    if configured is not None:
        return _kid(configured), configured
    row = db.session.scalars(select(SealKey).order_by(SealKey.created_at.desc()).limit(1)).first()
    if row is None:
        kid = rotate_key()
        row = db.session.get(SealKey, kid)
        assert row is not None
    return row.id, _load(row.private_pem)


def public_jwk() -> dict[str, Any]:
    """The current public key as a JWK with its key id."""
    kid, private = current_key()
    numbers = private.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
        "kid": kid,
        "alg": "ECDH-ES+A256GCM",
    }


def _private_for(kid: str) -> ec.EllipticCurvePrivateKey | None:
    configured = _configured()
    if configured is not None and _kid(configured) == kid:
        return configured
    row = db.session.get(SealKey, kid)
    return _load(row.private_pem) if row is not None else None


class SealedError(ValueError):
    """A sealed change that does not open: unknown key, damaged, or not this user's."""


def open_sealed(item: dict[str, Any], user_id: str) -> dict[str, Any]:
    """The wire change inside a sealed item; raises SealedError."""
    private = _private_for(str(item["kid"]))
    if private is None:
        raise SealedError("unknown key id")
    try:
        epk = item["epk"]
        x = int.from_bytes(_unb64url(epk["x"]), "big")
        y = int.from_bytes(_unb64url(epk["y"]), "big")
        peer = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        shared = private.exchange(ec.ECDH(), peer)
        aes = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=HKDF_INFO).derive(shared)
        ad = f"pulih-sealed:{item['change_id']}:{item['kid']}".encode()
        plain = AESGCM(aes).decrypt(_b64(item["iv"]), _b64(item["ct"]), ad)
        payload = json.loads(plain)
    except (InvalidTag, KeyError, TypeError, ValueError) as error:
        raise SealedError("the sealed change does not open") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("change"), dict):
        raise SealedError("the sealed change holds no change")
    if payload.get("user_id") != user_id:
        raise SealedError("the sealed change belongs to another user")
    change: dict[str, Any] = payload["change"]
    if change.get("change_id") != item["change_id"]:
        raise SealedError("the sealed change names another change id")
    return change


def open_all(
    items: list[dict[str, Any]], user_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The changes inside sealed items, and a rejected result for each one that did not open."""
    opened: list[dict[str, Any]] = []
    unopened: list[dict[str, Any]] = []
    for item in items:
        try:
            opened.append(open_sealed(item, user_id))
        except SealedError as error:
            unopened.append(_refused(item["change_id"], str(error)))
    return opened, unopened


def import_backup(device_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A device's sealed outbox from a backup file, pushed as that device's users would push it.

    Idempotent like every push: a change the server already took answers as it did then.
    """
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound("not-found", "No such device.", {"device_id": ["Unknown device."]})
    by_user: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_user.setdefault(str(item["user_id"]), []).append(item)
    results: list[dict[str, Any]] = []
    for user_id, mine in by_user.items():
        user = db.session.get(User, user_id)
        if user is None:
            results += [_refused(i["change_id"], "unknown user") for i in mine]
            continue
        caller = Caller(user=user, device_id=device.id, token_id="")
        for start in range(0, len(mine), current_app.config["PUSH_MAX_CHANGES"]):
            chunk = mine[start : start + current_app.config["PUSH_MAX_CHANGES"]]
            opened, unopened = open_all(chunk, user_id)
            results += push(caller, device, opened) + unopened
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    audit("sealed_import", device_id=device.id, counts=counts)
    return results


def _refused(change_id: str, reason: str) -> dict[str, Any]:
    return {
        "change_id": change_id,
        "status": "rejected",
        "id": None,
        "version": None,
        "conflict_id": None,
        "errors": {"sealed": [reason]},
    }
