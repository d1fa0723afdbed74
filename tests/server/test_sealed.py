"""Sealed changes: the server's public key, and a push of sealed changes handled exactly like
plain ones (idempotent by change id), with the sealing done here as a device does it."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from server.extensions import db
from server.services.sealed import rotate_key
from tests.helpers import DeviceSession, change, client_fields, new_id


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def seal(jwk: dict[str, Any], user_id: str, wire: dict[str, Any]) -> dict[str, Any]:
    """Seal one wire change to the server's key, as the PWA does with WebCrypto."""
    server = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_unb64url(jwk["x"]), "big"),
        int.from_bytes(_unb64url(jwk["y"]), "big"),
        ec.SECP256R1(),
    ).public_key()
    mine = ec.generate_private_key(ec.SECP256R1())
    shared = mine.exchange(ec.ECDH(), server)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=b"pulih-sealed-v1").derive(
        shared
    )
    iv = b"\x01" * 12
    ad = f"pulih-sealed:{wire['change_id']}:{jwk['kid']}".encode()
    plain = json.dumps({"user_id": user_id, "change": wire}).encode()
    numbers = mine.public_key().public_numbers()
    return {
        "change_id": wire["change_id"],
        "kid": jwk["kid"],
        "epk": {
            "kty": "EC",
            "crv": "P-256",
            "x": _b64url(numbers.x.to_bytes(32, "big")),
            "y": _b64url(numbers.y.to_bytes(32, "big")),
        },
        "iv": base64.b64encode(iv).decode(),
        "ct": base64.b64encode(AESGCM(key).encrypt(iv, plain, ad)).decode(),
    }


def push_sealed(device: DeviceSession, *items: dict[str, Any], plain: tuple = ()) -> Any:
    return device.post(
        "/api/v1/sync/push",
        json={"device_id": device.device_id, "changes": list(plain), "sealed": list(items)},
    )


def test_the_key_is_a_p256_jwk_with_a_stable_id(client, world):
    device = DeviceSession(client, "konselor.a")
    first = device.get("/api/v1/sync/key").get_json()
    assert first["jwk"]["kty"] == "EC" and first["jwk"]["crv"] == "P-256"
    assert first["kid"] == first["jwk"]["kid"]
    assert "d" not in first["jwk"]
    assert device.get("/api/v1/sync/key").get_json() == first


def test_a_sealed_change_lands_like_a_plain_one_and_only_once(client, world):
    device = DeviceSession(client, "konselor.a")
    jwk = device.get("/api/v1/sync/key").get_json()["jwk"]
    wire = change("client", new_id(), client_fields(world.facility_a))
    item = seal(jwk, device.user_id, wire)
    first = push_sealed(device, item)
    assert first.status_code == 200, first.get_json()
    assert [r["status"] for r in first.get_json()["results"]] == ["applied"]
    again = push_sealed(device, item).get_json()["results"]
    assert again == first.get_json()["results"]
    # The plain copy of the same change, pushed later, is the same change too.
    plain = device.post(
        "/api/v1/sync/push", json={"device_id": device.device_id, "changes": [wire]}
    ).get_json()["results"]
    assert plain == first.get_json()["results"]
    changes, _ = device.pull_all()
    assert [c["id"] for c in changes if c["entity"] == "client"] == [wire["id"]]


def test_sealed_changes_to_an_older_key_still_open_after_rotation(client, world):
    device = DeviceSession(client, "konselor.a")
    old = device.get("/api/v1/sync/key").get_json()["jwk"]
    rotate_key()
    db.session.commit()
    new = device.get("/api/v1/sync/key").get_json()["jwk"]
    assert new["kid"] != old["kid"]
    wire = change("client", new_id(), client_fields(world.facility_a))
    results = push_sealed(device, seal(old, device.user_id, wire)).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"]


def test_a_sealed_change_that_does_not_open_is_rejected_with_a_reason(client, world):
    device = DeviceSession(client, "konselor.a")
    jwk = device.get("/api/v1/sync/key").get_json()["jwk"]
    wire = change("client", new_id(), client_fields(world.facility_a))
    damaged = seal(jwk, device.user_id, wire)
    damaged["ct"] = base64.b64encode(b"\x00" * 40).decode()
    other_user = seal(jwk, new_id(), change("client", new_id(), client_fields(world.facility_a)))
    unknown = {**seal(jwk, device.user_id, wire), "kid": "0" * 32}
    response = push_sealed(device, damaged, other_user, unknown)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert all(r["errors"]["sealed"] for r in results)


def test_a_sealed_item_of_the_wrong_shape_is_a_problem_not_a_500(client, world):
    device = DeviceSession(client, "konselor.a")
    response = push_sealed(device, {"change_id": new_id(), "kid": 5, "epk": "x"})
    assert response.status_code == 422
    assert "sealed" in response.get_json()["errors"]


def _backup(device: DeviceSession, *items: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "pulih-sealed-backup",
        "version": 1,
        "device_id": device.device_id,
        "sealed": [{**i, "user_id": device.user_id} for i in items],
    }


def test_an_imported_backup_lands_once_however_often_it_is_imported(client, world):
    device = DeviceSession(client, "konselor.a")
    admin = DeviceSession(client, "admin")
    jwk = device.get("/api/v1/sync/key").get_json()["jwk"]
    wire = change("client", new_id(), client_fields(world.facility_a))
    backup = _backup(device, seal(jwk, device.user_id, wire))
    first = admin.post("/api/v1/admin/sealed-import", json=backup)
    assert first.status_code == 200, first.get_json()
    assert [r["status"] for r in first.get_json()["results"]] == ["applied"]
    second = admin.post("/api/v1/admin/sealed-import", json=backup)
    assert second.get_json()["results"] == first.get_json()["results"]
    # The device itself pushing the same change later changes nothing either.
    assert device.push(wire) == first.get_json()["results"]
    changes, _ = admin.pull_all()
    assert [c["id"] for c in changes if c["entity"] == "client"].count(wire["id"]) == 1


def test_only_an_admin_imports_and_a_bad_file_is_a_problem(client, world):
    device = DeviceSession(client, "konselor.a")
    admin = DeviceSession(client, "admin")
    backup = _backup(device)
    assert device.post("/api/v1/admin/sealed-import", json=backup).status_code == 403
    bad = admin.post("/api/v1/admin/sealed-import", json={**backup, "format": "zip"})
    assert bad.status_code == 422
    unknown = admin.post("/api/v1/admin/sealed-import", json={**backup, "device_id": new_id()})
    assert unknown.status_code == 404
