"""RFC 6455 on ``/posbus``, byte by byte, against a running node (`raw_websocket.RawWebSocket`),
and the same points through a real client library (``websockets``).

What the server must do with what a client gets wrong: an unmasked frame, reserved bits or
opcodes, broken fragmentation or control frames close with 1002, text that is not UTF-8 with
1007, a message over the limit with 1009; and what it must do right: answer pings, reassemble
fragments (with control frames between them), parse several frames of one read and a frame
split over many, the closing handshake with codes either way. Runs on both transports
(``ODYSSEY_CONTROLLER_TRANSPORT`` lean and asgi).
"""

from __future__ import annotations

import asyncio
import struct
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from odyssey.posbus import (
    HandShake,
    SetWorld,
    Signal,
    SignalType,
    TeleportRequest,
    decode,
    encode,
)
from tests.controller.conftest import Guest, LiveNode, connect, live_node_fixture
from tests.controller.raw_websocket import (
    BINARY,
    CLOSE,
    CONTINUATION,
    PING,
    PONG,
    TEXT,
    RawWebSocket,
    client_frame,
)

# Both transports: the lean one (ours) and uvicorn's through ASGI must answer alike.
live_node = live_node_fixture(
    variants={
        transport: {"ODYSSEY_CONTROLLER_TRANSPORT": transport} for transport in ("lean", "asgi")
    }
)
MAX_FRAME_IN = 65536  # the node's default inbound limit (ODYSSEY_CONTROLLER_MAX_FRAME_IN)


async def signed_in(node: LiveNode) -> tuple[RawWebSocket, Guest]:
    user = await node.guest()
    raw = await RawWebSocket.open(node.url)
    raw.send(HandShake(1, 1, user.token, user.id, uuid.uuid4()))
    return raw, user


async def assert_closed_with(raw: RawWebSocket, code: int) -> str:
    """The server sends a close frame with this code; once the client answered it, the server
    ends the TCP connection."""
    close = await raw.next_of(CLOSE)
    assert close.close_code == code, close
    raw.write(client_frame(close.payload[:2], opcode=CLOSE))
    assert await raw.closed_by_server()
    return close.close_reason


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (client_frame(b"\x00" * 8, masked=False), 1002),  # clients must mask
        (client_frame(b"\x00" * 8, rsv=4), 1002),  # RSV1 without an extension
        (client_frame(b"\x00" * 8, opcode=0x3), 1002),  # a reserved data opcode
        (client_frame(b"", opcode=0xB), 1002),  # a reserved control opcode
        (client_frame(b"x", opcode=PING, fin=False), 1002),  # a fragmented control frame
        (client_frame(b"x" * 126, opcode=PING), 1002),  # a control frame over 125 bytes
        (client_frame(b"x", opcode=CONTINUATION), 1002),  # a continuation of nothing
        (client_frame(b"\xff\xfe", opcode=TEXT), 1007),  # text that is not UTF-8
        (client_frame(b"\x03", opcode=CLOSE), 1002),  # a close payload of one byte
        (client_frame(struct.pack("!H", 1005), opcode=CLOSE), 1002),  # 1005 is never sent
        (client_frame(struct.pack("!H", 1000) + b"\xff", opcode=CLOSE), 1007),  # bad reason
        (client_frame(b"", length=MAX_FRAME_IN + 1), 1009),  # refused from the header alone
    ],
)
async def test_protocol_errors_close_with_the_rfc_code(
    live_node: LiveNode, frame: bytes, code: int
) -> None:
    raw = await RawWebSocket.open(live_node.url)
    raw.write(frame)
    await assert_closed_with(raw, code)


async def test_fragments_with_control_frames_between_them(live_node: LiveNode) -> None:
    """A handshake in three fragments, a ping between them: the pong comes back at once,
    and the reassembled handshake signs the client in (its teleport gets ``set_world``)."""
    user = await live_node.guest()
    world_id = await live_node.create_world(f"frag-{uuid.uuid4().hex[:6]}", user.id)
    raw = await RawWebSocket.open(live_node.url)
    handshake = encode(HandShake(1, 1, user.token, user.id, uuid.uuid4()))
    third = len(handshake) // 3
    raw.write(client_frame(handshake[:third], fin=False))
    raw.write(client_frame(b"between", opcode=PING))
    pong = await raw.next_of(PONG)
    assert pong.payload == b"between"
    raw.write(client_frame(handshake[third : 2 * third], opcode=CONTINUATION, fin=False))
    raw.write(client_frame(handshake[2 * third :], opcode=CONTINUATION))
    raw.send(TeleportRequest(world_id))
    await expect_set_world(raw, world_id)
    raw.close()


async def expect_set_world(raw: RawWebSocket, world_id: uuid.UUID) -> None:
    while True:
        message = decode((await raw.next_of(BINARY)).payload, max_frame_size=1 << 20)
        if isinstance(message, SetWorld):
            assert message.id == world_id
            return


async def test_many_frames_in_one_write_and_one_frame_over_many(live_node: LiveNode) -> None:
    """A handshake and a teleport in one TCP segment; then a teleport sent a byte at a time."""
    user = await live_node.guest()
    first = await live_node.create_world(f"one-{uuid.uuid4().hex[:6]}", user.id)
    second = await live_node.create_world(f"two-{uuid.uuid4().hex[:6]}", user.id)
    raw = await RawWebSocket.open(live_node.url)
    handshake = HandShake(1, 1, user.token, user.id, uuid.uuid4())
    raw.write(client_frame(encode(handshake)) + client_frame(encode(TeleportRequest(first))))
    await expect_set_world(raw, first)
    for byte in client_frame(encode(TeleportRequest(second))):
        raw.write(bytes([byte]))
        await raw.writer.drain()
        await asyncio.sleep(0.001)
    await expect_set_world(raw, second)
    raw.close()


async def test_client_close_is_echoed_with_its_code(live_node: LiveNode) -> None:
    raw, _ = await signed_in(live_node)
    raw.write(client_frame(struct.pack("!H", 4001) + b"bye", opcode=CLOSE))
    await assert_closed_with(raw, 4001)


async def test_an_empty_close_is_echoed_empty(live_node: LiveNode) -> None:
    raw, _ = await signed_in(live_node)
    raw.write(client_frame(b"", opcode=CLOSE))
    close = await raw.next_of(CLOSE)
    assert close.payload == b""
    assert await raw.closed_by_server()


async def test_server_close_carries_code_and_reason(live_node: LiveNode) -> None:
    """A refused handshake: "invalid token", then a close with 1008 and a reason; the client's
    echo completes the handshake and the server ends the TCP connection."""
    raw = await RawWebSocket.open(live_node.url)
    raw.send(HandShake(1, 1, "not-a-token", uuid.uuid4(), uuid.uuid4()))
    signal = decode((await raw.next_of(BINARY)).payload)
    assert signal == Signal(SignalType.INVALID_TOKEN)
    close = await raw.next_of(CLOSE)
    assert close.close_code == 1008
    assert "invalid token" in close.close_reason
    raw.write(client_frame(close.payload[:2], opcode=CLOSE))
    assert await raw.closed_by_server()


async def test_text_messages_are_refused_as_posbus_is_binary(live_node: LiveNode) -> None:
    raw, _ = await signed_in(live_node)
    raw.write(client_frame("ça va".encode(), opcode=TEXT, fin=False))
    raw.write(client_frame(b" ?", opcode=CONTINUATION))
    assert "binary" in await assert_closed_with(raw, 1003)


async def test_bad_utf8_in_a_later_text_fragment(live_node: LiveNode) -> None:
    raw = await RawWebSocket.open(live_node.url)
    raw.write(client_frame(b"ok", opcode=TEXT, fin=False))
    raw.write(client_frame(b"\xc3\x28", opcode=CONTINUATION))
    await assert_closed_with(raw, 1007)


async def test_a_new_message_inside_a_fragmented_one(live_node: LiveNode) -> None:
    raw = await RawWebSocket.open(live_node.url)
    raw.write(client_frame(b"part", fin=False))
    raw.write(client_frame(b"another", opcode=BINARY))
    await assert_closed_with(raw, 1002)


async def test_a_fragmented_message_over_the_limit(live_node: LiveNode) -> None:
    raw = await RawWebSocket.open(live_node.url)
    half = b"\x00" * (MAX_FRAME_IN // 2 + 1)
    raw.write(client_frame(half, fin=False))
    raw.write(client_frame(half, opcode=CONTINUATION))
    await assert_closed_with(raw, 1009)


async def test_other_paths_are_not_upgraded_by_posbus(live_node: LiveNode) -> None:
    """Only ``/posbus`` is a posbus socket; another path gets the application's answer."""
    host, port = live_node.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    status = await RawWebSocket(reader, writer).upgrade("/not-posbus", host, port)
    assert not status.startswith(b"HTTP/1.1 101"), status
    writer.close()


async def test_with_the_websockets_client_ping_and_close_codes(live_node: LiveNode) -> None:
    """The same points through a real client: its ping is answered, its close code echoed;
    a text message where the handshake should be is refused like any wrong first message."""
    user = await live_node.guest()
    client = await connect(live_node, user)
    await client.handshake()
    pong = await client.ws.ping(b"are you there")
    await asyncio.wait_for(pong, 5)
    await client.ws.close(4002, "done here")
    assert client.ws.close_code == 4002
    other = await connect(live_node, await live_node.guest())
    await other.ws.send("text")
    assert (await other.expect(Signal)).value == SignalType.INVALID_TOKEN
    with pytest.raises(ConnectionClosed):
        await other.recv()
    assert other.ws.close_code == 1003
