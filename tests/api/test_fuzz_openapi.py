"""Property-based run of schemathesis against `/api/v4/openapi.json` on a live `odyssey serve`.

Every operation of this API, as a signed-in user and as a node admin, with generated valid and
invalid inputs: no answer may be a 5xx, and every answer must match the document (status code,
content type, body schema). Bounded and deterministic: a fixed number of examples per operation,
derandomized. Operations of the auth and media services are fuzzed by their own suites.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from odyssey.config import Settings
from odyssey.services import Services
from tests.api.api_harness import issue_token
from tests.live_node import LiveServer

OTHER_OWNERS = (
    "/api/v4/auth/",
    "/api/v4/media/",
    "/api/v4/users/me/attach-account",
    "/api/v4/users/me/remove-wallet",
    "/api/v4/assets-3d/upload",
)
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
STATUSES: dict[int, int] = {}
# schemathesis leaves its operation's type parameters (parameters, responses, security, schema)
# to the specification: any of them will do here.
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


async def _callers(settings: Settings) -> dict[str, str]:
    services = Services.create(settings)
    try:
        user = await services.users.create_user(name="Fuzzy")
        admin = await services.users.create_user(name="Fuzzy admin")
        await services.users.make_node_admin(admin.user_id)
        return {
            "user": await issue_token(services, user.user_id),
            "node_admin": await issue_token(services, admin.user_id),
        }
    finally:
        await services.close()


def _fuzz(operation: Operation, mode: GenerationMode, base_url: str, token: str) -> None:
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}

    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case[Operation]) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
        STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    with contextlib.suppress(Unsatisfiable):  # no invalid input exists for this operation
        run()


@pytest.mark.parametrize("persona", ["user", "node_admin"])
def test_openapi_fuzz(live_server: LiveServer, settings: Settings, persona: str) -> None:
    base_url = live_server.url
    # Tokens name the server's public URL as issuer: issue them with the server's settings.
    server_settings = settings.model_copy(update={"public_url": base_url})
    token = asyncio.run(_callers(server_settings))[persona]
    document = requests.get(f"{base_url}/api/v4/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the document itself is not valid OpenAPI
        operation = result.ok()
        if operation.path.startswith(OTHER_OWNERS) or not operation.path.startswith("/api/v4/"):
            continue
        tested += 1
        for mode in EXAMPLES:
            try:
                _fuzz(operation, mode, base_url, token)
            except Exception as error:  # collect every operation's failure, then report
                failures.append(
                    f"{operation.method.upper()} {operation.path} [{mode.value}]: {error}"
                )
    assert tested > 60
    print(tested, sorted(STATUSES.items()))
    assert not failures, "\n\n".join(failures)
