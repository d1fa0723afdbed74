"""An unexpected error is logged by type and frames, never by its message (it may hold data)."""

from __future__ import annotations

import logging

from server import create_app


def test_an_unexpected_error_logs_no_message(tmp_path, caplog):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.sqlite3'}"})

    sent = {"answers": "heroin", "name": "Budi Santoso"}  # what a device might have sent

    @app.get("/boom")
    def boom() -> str:
        raise ValueError(f"answers.{sent['answers']}.q9 of {sent['name']}")

    with caplog.at_level(logging.ERROR, logger="server.errors"):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "Budi" not in response.get_data(as_text=True)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged and "boom" in logged
    assert "Budi" not in logged and "heroin" not in logged
