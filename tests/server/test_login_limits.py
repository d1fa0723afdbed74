"""Login limits: counted before the check, per account and per address, delays not lockouts."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

import server.services.auth as auth_service
from server.extensions import db
from server.models import LoginThrottle
from tests.helpers import PASSWORD, new_id

LOGIN = "/api/v1/auth/login"


def _try(client: Any, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        LOGIN,
        json={"username": username, "password": password, "device_id": new_id()},
        environ_base={"REMOTE_ADDR": address},
    )


def test_an_attacker_address_does_not_lock_the_real_user_out(client, world):
    for _ in range(6):
        _try(client, "admin", "tebakan-salah", address="203.0.113.9")
    assert _try(client, "admin", PASSWORD, address="203.0.113.9").status_code == 429
    # The admin, from the office, is not locked out by someone else's guesses.
    assert _try(client, "admin", PASSWORD, address="10.1.1.1").status_code == 200


def test_one_address_cannot_spray_many_usernames(client, world):
    answers = [_try(client, f"tamu{i}", "tebakan-salah").status_code for i in range(30)]
    assert answers[:20] == [401] * 20
    assert 429 in answers[20:]


def test_the_delay_grows_and_then_lets_the_user_try_again(client, world, app):
    for _ in range(5):
        assert _try(client, "konselor.a", "tebakan-salah").status_code == 401
    waiting = _try(client, "konselor.a", PASSWORD)
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["Retry-After"]) <= 3
    # Once the delay has passed (here: the lock is moved into the past), a try is checked again.
    db.session.execute(LoginThrottle.__table__.update().values(locked_until=None))
    db.session.commit()
    assert _try(client, "konselor.a", PASSWORD).status_code == 200


def test_the_throttle_table_stays_bounded(client, world, app):
    for i in range(10):
        _try(client, f"nama-acak-{i}", "x", address=f"192.0.2.{i}")
    count = db.session.scalar(select(func.count()).select_from(LoginThrottle))
    assert count <= 30  # three counters per attempt at most, and no username in clear
    names = db.session.scalars(select(LoginThrottle.username)).all()
    assert not any("nama-acak" in name for name in names)
    db.session.rollback()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_parallel_guesses_are_counted_before_the_check(app, world, monkeypatch):
    checked = []
    real = auth_service.verify_password

    def counting(hash_: Any, password: str) -> bool:
        checked.append(password)
        return real(hash_, password)

    monkeypatch.setattr(auth_service, "verify_password", counting)
    answers: list[int] = []

    def guess() -> None:
        with app.test_client() as client:
            answers.append(
                _try(client, "konselor.b", "tebakan-salah", address="198.51.100.7").status_code
            )

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 20
    assert len(checked) <= app.config["LOGIN_MAX_FAILURES"]
    assert answers.count(401) == len(checked) and answers.count(429) == 20 - len(checked)
