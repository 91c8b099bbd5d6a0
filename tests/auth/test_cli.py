"""`odyssey admin create-client` and `odyssey admin rotate-signing-key`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from odyssey.cli import main
from odyssey.config import Settings


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "admin",
            *args,
            "--data-dir",
            str(settings.data_dir),
            "--database-url",
            str(settings.database_url),
        ],
    )
    return result.exit_code, result.output


def test_create_confidential_and_public_clients(settings: Settings) -> None:
    code, output = run(
        settings, "create-client", "Shop", "--redirect-uri", "https://shop.example/cb", "--json"
    )
    assert code == 0, output
    created = json.loads(output)
    assert created["client_secret"] and len(created["client_secret"]) >= 40
    assert created["token_endpoint_auth_method"] == "client_secret_basic"
    assert created["discovery"].endswith("/.well-known/openid-configuration")

    code, output = run(
        settings,
        "create-client",
        "Game",
        "--public",
        "--redirect-uri",
        "com.example.game:/callback",
        "--scope",
        "openid api offline_access",
        "--client-id",
        "game",
    )
    assert code == 0, output
    assert "client_id: game" in output and "client_secret" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--redirect-uri", "https://x.example/cb#frag"], "fragment"),
        (["--redirect-uri", "javascript:alert(1)"], "private scheme"),
        (["--redirect-uri", "https://x.example/cb", "--scope", "openid admin"], "unknown: admin"),
        (["--redirect-uri", "https://x.example/cb", "--scope", "profile"], "must include openid"),
        (["--redirect-uri", "https://x.example/cb", "--client-id", "odyssey"], "reserved"),
    ],
)
def test_create_client_refusals(settings: Settings, args: list[str], message: str) -> None:
    code, output = run(settings, "create-client", "Bad", *args)
    assert code == 2
    assert message in output


def test_duplicate_client_id_is_refused(settings: Settings) -> None:
    args = ["create-client", "A", "--redirect-uri", "https://a.example/cb", "--client-id", "a"]
    assert run(settings, *args)[0] == 0
    code, output = run(settings, *args)
    assert code == 2 and "already exists" in output


def test_rotate_signing_key(settings: Settings) -> None:
    first_code, first = run(settings, "rotate-signing-key")
    second_code, second = run(settings, "rotate-signing-key")
    assert first_code == 0 and second_code == 0, first + second
    assert first.startswith("new signing key ") and first != second
