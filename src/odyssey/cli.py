"""The `odyssey` command: serve, migrate, seed, version and admin tasks.

Options given on the command line win over `ODYSSEY_*` environment variables, which win over the
config file and the defaults (see `odyssey.config.Settings`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError

from odyssey import __version__
from odyssey.config import Settings
from odyssey.core.errors import DomainError

if TYPE_CHECKING:
    # Imported lazily at run time: `odyssey version` and `--help` should not pay for loading
    # the database, auth and web stacks.
    from odyssey.services import Services

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def storage_options(command: F) -> F:
    """`--data-dir` and `--database-url`, shared by every command that touches storage."""
    command = click.option(
        "--database-url",
        envvar="ODYSSEY_DATABASE_URL",
        help="Database URL (default: SQLite in the data directory). [env ODYSSEY_DATABASE_URL]",
    )(command)
    command = click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="ODYSSEY_DATA_DIR",
        help="Data directory (default ./data). [env ODYSSEY_DATA_DIR]",
    )(command)
    return command


def build_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise click.UsageError(f"invalid configuration: {problems}") from None


def run_with_services(
    settings: Settings, work: Callable[[Services], Awaitable[T]], *, prepare: bool = True
) -> T:
    """Run one async task against freshly built services, turning domain errors into messages."""

    from odyssey.services import Services

    async def main() -> T:
        services = Services.create(settings)
        try:
            if prepare:
                await services.migrate()
                await services.seed()
            return await work(services)
        finally:
            await services.close()

    try:
        return asyncio.run(main())
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot reach the database: {error}") from None


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="odyssey")
def main() -> None:
    """Odyssey node: a self-hostable 3D multi-user web platform."""


@main.command()
@storage_options
@click.option("--host", envvar="ODYSSEY_HOST", help="Bind address (default 127.0.0.1).")
@click.option("--port", type=int, envvar="ODYSSEY_PORT", help="Port (default 4000).")
@click.option("--public-url", envvar="ODYSSEY_PUBLIC_URL", help="URL visitors use.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error", "critical"], case_sensitive=False),
    envvar="ODYSSEY_LOG_LEVEL",
    help="Logging level (default info).",
)
def serve(**options: Any) -> None:
    """Migrate, seed and serve the node (API, real-time and media) on one port."""
    import uvicorn

    from odyssey.app import create_app
    from odyssey.controller import uvicorn_websocket_options

    settings = build_settings(**options)
    _configure_logging(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        proxy_headers=True,
        **uvicorn_websocket_options(settings),
    )


@main.command()
@storage_options
def migrate(**options: Any) -> None:
    """Bring the database schema up to date."""
    settings = build_settings(**options)

    async def work(services: Services) -> None:
        await services.migrate()

    run_with_services(settings, work, prepare=False)
    click.echo("database is up to date")


@main.command()
@storage_options
def seed(**options: Any) -> None:
    """Insert the seed data that is missing (idempotent)."""
    settings = build_settings(**options)

    async def work(services: Services) -> Any:
        await services.migrate()
        return await services.seed()

    result = run_with_services(settings, work, prepare=False)
    click.echo(f"node {result.node_id}; first world {result.default_world_id}")


@main.command()
def version() -> None:
    """Print the version."""
    click.echo(__version__)


@main.group()
def admin() -> None:
    """Administration tasks."""


@admin.command("make-node-admin")
@storage_options
@click.argument("user_id", type=click.UUID)
def make_node_admin(user_id: uuid.UUID, **options: Any) -> None:
    """Give USER_ID the admin role on the node (administers every world)."""
    settings = build_settings(**options)

    async def work(services: Services) -> uuid.UUID:
        await services.users.get(user_id)
        return await services.users.make_node_admin(user_id)

    node_id = run_with_services(settings, work)
    click.echo(f"{user_id} is now an admin of node {node_id}")


@admin.command("create-world")
@storage_options
@click.argument("name")
@click.option("--owner", "owner_id", type=click.UUID, required=True, help="Owner's user id.")
@click.option("--description", help="World description.")
def create_world(name: str, owner_id: uuid.UUID, description: str | None, **options: Any) -> None:
    """Create a world named NAME from the node's world template."""
    settings = build_settings(**options)
    if not name.strip():
        raise click.BadParameter("must not be empty", param_hint="NAME")

    async def work(services: Services) -> uuid.UUID:
        await services.users.get(owner_id)
        world = await services.objects.create_world(name.strip(), owner_id, description=description)
        return world.id

    click.echo(str(run_with_services(settings, work)))


@admin.command("list-worlds")
@storage_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_worlds(as_json: bool, **options: Any) -> None:
    """List the worlds of this node."""
    settings = build_settings(**options)

    async def work(services: Services) -> list[dict[str, str]]:
        worlds = await services.objects.list_worlds()
        return [
            {"id": str(world.id), "name": world.name, "owner_id": str(world.owner_id)}
            for world in worlds
        ]

    rows = run_with_services(settings, work)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no worlds")
        return
    for row in rows:
        click.echo(f"{row['id']}  {row['name']}  (owner {row['owner_id']})")


@admin.command("create-client")
@storage_options
@click.argument("name")
@click.option(
    "--redirect-uri",
    "redirect_uris",
    multiple=True,
    required=True,
    help="Where the app receives the code (repeat for several).",
)
@click.option(
    "--public/--confidential",
    default=False,
    help="A public client (browser or native app, PKCE, no secret) or a confidential one "
    "(a server that keeps a secret). Default: confidential.",
)
@click.option(
    "--scope",
    default="openid profile",
    show_default=True,
    help="Scopes the app may ask for: openid, profile, api, offline_access.",
)
@click.option(
    "--post-logout-redirect-uri",
    "post_logout_redirect_uris",
    multiple=True,
    help="Where the app may send people after logout (repeat for several).",
)
@click.option("--trusted", is_flag=True, help="First-party app: skip the consent page.")
@click.option(
    "--resource-server", is_flag=True, help="May introspect every token, not only its own."
)
@click.option("--client-id", help="Choose the client id (default: random).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def create_client(
    name: str,
    redirect_uris: tuple[str, ...],
    public: bool,
    scope: str,
    post_logout_redirect_uris: tuple[str, ...],
    trusted: bool,
    resource_server: bool,
    client_id: str | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Register an app that signs people in with this node (OpenID Connect)."""
    from odyssey.auth.oauth_store import NewClient

    settings = build_settings(**options)

    async def work(services: Services) -> NewClient:
        return await services.auth.oauth.create_client(
            name=name,
            redirect_uris=list(redirect_uris),
            public=public,
            scope=scope,
            post_logout_redirect_uris=list(post_logout_redirect_uris),
            trusted=trusted,
            introspect_any=resource_server,
            client_id=client_id,
        )

    try:
        created = run_with_services(settings, work)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    row = {
        "client_id": created.client.client_id,
        "client_secret": created.client_secret,
        "issuer": settings.resolved_auth_issuer,
        "discovery": f"{settings.resolved_auth_issuer}/.well-known/openid-configuration",
        "token_endpoint_auth_method": "none" if public else "client_secret_basic",
        "redirect_uris": list(redirect_uris),
        "scope": created.client.scope,
    }
    if as_json:
        click.echo(json.dumps(row, indent=2))
        return
    for key, value in row.items():
        if value is not None:
            click.echo(f"{key}: {' '.join(value) if isinstance(value, list) else value}")
    if created.client_secret:
        click.echo("Keep the client secret now: it is stored hashed and cannot be shown again.")


@admin.command("rotate-signing-key")
@storage_options
def rotate_signing_key(**options: Any) -> None:
    """Sign new tokens with a new key; the old one verifies until its tokens have expired."""
    settings = build_settings(**options)

    async def work(services: Services) -> str:
        await services.auth.keys.ready()
        return await services.auth.keys.rotate()

    kid = run_with_services(settings, work)
    click.echo(f"new signing key {kid}; running servers pick it up within a minute")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
