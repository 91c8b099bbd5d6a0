"""The `odyssey` command, run as a real process on the engine under test."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from odyssey.config import Settings


def odyssey(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["ODYSSEY_DATA_DIR"] = str(settings.data_dir)
    env["ODYSSEY_DATABASE_URL"] = str(settings.database_url)
    return subprocess.run(
        [sys.executable, "-m", "odyssey.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_list_worlds_shows_the_seeded_world(settings: Settings) -> None:
    result = odyssey(settings, "admin", "list-worlds", "--json")
    assert result.returncode == 0, result.stderr
    assert [world["name"] for world in json.loads(result.stdout)] == ["Odyssey"]


def test_migrate_and_seed_twice_change_nothing(settings: Settings) -> None:
    assert odyssey(settings, "migrate").returncode == 0
    first = odyssey(settings, "seed")
    second = odyssey(settings, "seed")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout  # same node, same first world
    worlds = json.loads(odyssey(settings, "admin", "list-worlds", "--json").stdout)
    assert len(worlds) == 1


def test_create_world_and_make_node_admin(settings: Settings) -> None:
    from odyssey.core.ids import DEITY_USER_ID

    created = odyssey(settings, "admin", "create-world", "Second", "--owner", str(DEITY_USER_ID))
    assert created.returncode == 0, created.stderr
    worlds = json.loads(odyssey(settings, "admin", "list-worlds", "--json").stdout)
    assert {"Odyssey", "Second"} == {world["name"] for world in worlds}
    made = odyssey(settings, "admin", "make-node-admin", str(DEITY_USER_ID))
    assert made.returncode == 0, made.stderr


def test_unknown_user_is_a_clear_error_not_a_traceback(settings: Settings) -> None:
    result = odyssey(settings, "admin", "make-node-admin", "0190c1a2-b3c4-7d5e-8f60-718293a4b5c6")
    assert result.returncode == 1
    assert "not found" in result.stderr
    assert "Traceback" not in result.stderr
    bad = odyssey(settings, "admin", "make-node-admin", "not-a-uuid")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_serve_help_documents_every_option(settings: Settings) -> None:
    result = odyssey(settings, "serve", "--help")
    assert result.returncode == 0
    options = ("--data-dir", "--database-url", "--host", "--port", "--public-url", "--log-level")
    for option in options:
        assert option in result.stdout


def test_version(settings: Settings) -> None:
    from odyssey import __version__

    result = odyssey(settings, "version")
    assert result.stdout.strip() == __version__
