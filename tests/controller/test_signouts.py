"""Which connections a `SignInEnded` event closes, and the handshake that races a sign-out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from odyssey.bus import SignInEnded, event_from_json
from odyssey.config import Settings
from odyssey.controller import Controller
from odyssey.controller.controller import HandshakeRejected
from odyssey.controller.signouts import EndedSignIns, covers
from odyssey.db import tables as t
from odyssey.db.realtime import RealtimeStore
from odyssey.posbus import HandShake, Signal, SignalType, encode
from odyssey.services import Services
from tests.live_node import fresh_database

from .fakes import FakeTransport, settle

USER, OTHER = uuid.uuid4(), uuid.uuid4()
SIGN_IN, OTHER_SIGN_IN = uuid.uuid4(), uuid.uuid4()


def test_the_event_travels_as_json() -> None:
    event = SignInEnded(USER, SIGN_IN, token_id="jti-1", reason="access token revoked")
    assert event_from_json(event.to_json()) == event
    deleted = SignInEnded(USER)
    assert event_from_json(deleted.to_json()) == deleted


@pytest.mark.parametrize(
    ("event", "closes"),
    [
        (SignInEnded(USER, SIGN_IN), True),
        (SignInEnded(USER, OTHER_SIGN_IN), False),  # another sign-in of the same user
        (SignInEnded(OTHER, SIGN_IN), False),
        (SignInEnded(USER), True),  # the user was deleted: every sign-in
        (SignInEnded(USER, SIGN_IN, token_id="jti-1"), True),
        (SignInEnded(USER, SIGN_IN, token_id="jti-2"), False),  # another token of the sign-in
    ],
)
def test_covers(event: SignInEnded, closes: bool) -> None:
    assert covers(event, USER, SIGN_IN, "jti-1") is closes


def test_ended_sign_ins_are_remembered_for_a_while_and_bounded() -> None:
    now = [0.0]
    ended = EndedSignIns(remember_seconds=60, at_most=3, clock=lambda: now[0])
    assert ended.reason(USER, SIGN_IN, "jti-1") is None
    ended.record(SignInEnded(USER, SIGN_IN, reason="signed out"))
    assert ended.reason(USER, SIGN_IN, "jti-1") == "signed out"
    assert ended.reason(USER, OTHER_SIGN_IN, "jti-9") is None
    ended.record(SignInEnded(OTHER, token_id="jti-2", reason="access token revoked"))
    assert ended.reason(OTHER, OTHER_SIGN_IN, "jti-2") == "access token revoked"
    assert ended.reason(OTHER, OTHER_SIGN_IN, "jti-3") is None
    now[0] = 61.0
    assert ended.reason(USER, SIGN_IN, "jti-1") is None
    for _ in range(10):
        ended.record(SignInEnded(uuid.uuid4(), uuid.uuid4()))
    assert len(ended._ended) == 3


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[tuple[Services, Controller]]:
    with fresh_database(tmp_path, None) as database_url:
        settings = Settings(data_dir=tmp_path / "data", database_url=database_url, port=0)
        services = Services.create(settings)
        await services.migrate()
        await services.seed()
        controller = Controller(
            settings, RealtimeStore(services.db), services.bus, services.auth.verify_token
        )
        await controller.start()
        try:
            yield services, controller
        finally:
            await controller.stop()
            await services.close()


async def test_a_handshake_verified_before_the_sign_out_is_refused_after_it(
    services: tuple[Services, Controller],
) -> None:
    """The event can arrive while a handshake, its token already checked, reads the profile:
    there is no connection to close yet, so the handshake itself must be refused."""
    node, controller = services
    signed = await node.auth.sign_in_guest()
    user_id, token = signed.user.user_id, signed.tokens.access_token
    identity = await node.auth.verify_token(token)
    hand_shake = encode(HandShake(1, 1, token, user_id, uuid.uuid4()))

    real_user = controller.store.user

    async def user_then_sign_out(user_id: uuid.UUID) -> t.User | None:
        found = await real_user(user_id)
        await node.auth.sign_out(identity)  # meanwhile, the user signs out
        await node.bus.drain()  # type: ignore[attr-defined]
        return found

    controller.store.user = user_then_sign_out  # type: ignore[method-assign]
    try:
        with pytest.raises(HandshakeRejected) as refused:
            await controller.authenticate(hand_shake)
    finally:
        controller.store.user = real_user  # type: ignore[method-assign]
    assert refused.value.reason == "invalid token: signed out"


async def test_a_deleted_user_loses_every_connection(
    services: tuple[Services, Controller],
) -> None:
    node, controller = services
    signed = await node.auth.sign_in_guest()
    user_id, token = signed.user.user_id, signed.tokens.access_token
    signed_in = await controller.authenticate(encode(HandShake(1, 1, token, user_id, uuid.uuid4())))
    out = FakeTransport()
    connection = controller.connect(signed_in, out)
    await node.bus.publish(SignInEnded(OTHER, reason="user deleted"))  # somebody else
    await node.bus.drain()  # type: ignore[attr-defined]
    await settle()
    assert not connection.closed
    await node.bus.publish(SignInEnded(user_id, reason="user deleted"))
    await node.bus.drain()  # type: ignore[attr-defined]
    await settle()
    assert connection.closing == (1008, "user deleted")
    assert Signal(SignalType.INVALID_TOKEN) in out.messages()
    assert out.closed == (1008, "user deleted")
