"""Every operation of the OpenAPI document, fuzzed by schemathesis as a counselor and an admin.

Bounded (a few examples per operation) so it fits `make test`; the one check is that no answer
is a 5xx. tests/property/test_bad_input.py goes deeper on the push body.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.helpers import login

EXAMPLES = 10


def test_no_operation_answers_a_server_error(app: Any, client: Any, world: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    bearer = [
        {"Authorization": f"Bearer {login(client, username)['access_token']}"}
        for username in ("konselor.a", "admin")
    ]
    checked, skipped = 0, 0
    operations = list(schema.get_all_operations())
    for result in operations:
        operation = result.ok()
        if operation.path.endswith("/auth/logout"):
            skipped += 1  # it would end the session the other operations are fuzzed with
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            for headers in bearer:
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])

        fuzz()
        checked += 1
    assert checked == len(operations) - skipped > 20  # every operation of the API
