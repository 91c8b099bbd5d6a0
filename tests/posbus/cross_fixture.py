"""Deterministic posbus frames for the Python <-> TypeScript cross-check.

Writes tests/data/posbus-cross/py-frames.json:

    {"format": 1, "producer": "python",
     "frames": [{"type_name": ..., "value": <JSON value>, "hex": <frame>}, ...]}

with at least 5 messages of every framable type (the 26 types that are sent as frames). The
TypeScript codec must decode every ``hex`` to ``value`` and encode ``value`` back to ``hex``;
test_cross_language.py checks the same on the Python side and on the TypeScript side's
ts-frames.json.

Rules that keep the bytes reproducible in both languages:
* every map (gotiny map levels, ObjectData entries, EventStart) has at most ONE entry, because
  Go's map order is random and neither side promises an order for several keys;
* gotiny float64 values always have a fraction (JSON cannot tell 2.0 from the Go int 2 in
  JavaScript), and gotiny ints stay within +-(2**53 - 1) (exact in a JavaScript number);
* int64 fields (handshake versions, kind) also stay within +-(2**53 - 1);
* no NaN (its bit pattern is not portable); infinities are the strings "Infinity"/"-Infinity".

Run: ``python -m tests.posbus.cross_fixture`` from the repository root, or by path.
Only the standard library and odyssey.posbus are used; the random generator is seeded.
"""

from __future__ import annotations

import json
import random
import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from odyssey.posbus import (
    ActivityData,
    ActivityUpdate,
    AddObjects,
    AddPendingStake,
    AddUsers,
    AttributeValueChanged,
    EventStart,
    FlyToMe,
    GenericMessage,
    GotinyValue,
    HandShake,
    HighFive,
    LockObject,
    LockObjectResponse,
    Message,
    MessageType,
    MyTransform,
    Notification,
    ObjectData,
    ObjectDefinition,
    ObjectTransform,
    RemoveObjects,
    RemoveUsers,
    SetWorld,
    Signal,
    TeleportRequest,
    Transform,
    TransformNoScale,
    TriggerVisualEffects,
    UnlockObject,
    UserAction,
    UserData,
    UserStakedToOdyssey,
    UsersTransformList,
    UserTransform,
    Vec3,
    VisualEffect,
    encode,
)
from tests.posbus.json_value import message_to_json

SEED = 20240603
PER_TYPE = 6
OUTPUT = Path(__file__).resolve().parents[1] / "data" / "posbus-cross" / "py-frames.json"

JS_SAFE_INT = (1 << 53) - 1
FLOAT32_MAX = 3.4028234663852886e38
FLOAT32_MIN_NORMAL = 1.1754943508222875e-38
FLOAT32_MIN_SUBNORMAL = 1.401298464324817e-45
NIL = UUID(int=0)
_F32 = struct.Struct("<f")

SPECIAL_FLOAT32 = (
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    90.0,
    FLOAT32_MAX,
    -FLOAT32_MAX,
    FLOAT32_MIN_NORMAL,
    FLOAT32_MIN_SUBNORMAL,
    -FLOAT32_MIN_SUBNORMAL,
    float("inf"),
    float("-inf"),
)
SAMPLE_TEXTS = (
    "",
    "a",
    "Gaia",
    "héllo wörld",
    "日本語のテキスト",
    "emoji 🚀🌍👋",
    'tab\tnewline\nquote"backslash\\',
    "nul\u0000inside",
    "combining e\u0301 and zwj 👩\u200d💻",
    "x" * 200,
)


def _f32(value: float) -> float:
    result: float = _F32.unpack(_F32.pack(value))[0]
    return result


class Generator:
    """Seeded builders for every field kind."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def uuid(self) -> UUID:
        roll = self.rng.random()
        if roll < 0.05:
            return NIL
        if roll < 0.1:
            return UUID(int=(1 << 128) - 1)
        return UUID(int=self.rng.getrandbits(128))

    def text(self) -> str:
        if self.rng.random() < 0.6:
            return self.rng.choice(SAMPLE_TEXTS)
        alphabet = "abcXYZ019 _-äßЖ中😀"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(1, 40)))

    def float32(self) -> float:
        roll = self.rng.random()
        if roll < 0.25:
            return self.rng.choice(SPECIAL_FLOAT32)
        if roll < 0.45:
            return float(self.rng.randint(-360, 360)) / self.rng.choice((1, 2, 4, 8))
        if roll < 0.55:
            return _f32(self.rng.uniform(-1e-30, 1e-30))
        return _f32(self.rng.uniform(-1000.0, 1000.0))

    def vec3(self) -> Vec3:
        return Vec3(self.float32(), self.float32(), self.float32())

    def transform_no_scale(self) -> TransformNoScale:
        return TransformNoScale(self.vec3(), self.vec3())

    def transform(self) -> Transform:
        return Transform(self.vec3(), self.vec3(), self.vec3())

    def int64(self) -> int:
        edge_cases = (0, 1, -1, 64, -300, 8191, 8192, JS_SAFE_INT, -JS_SAFE_INT)
        return self.rng.choice((*edge_cases, self.rng.randint(-9999, 9999)))

    def uint32(self) -> int:
        return self.rng.choice(
            (0, 1, 9, 127, 128, 500, 1000, 16383, 16384, 0xFFFFFFFF, self.rng.getrandbits(32))
        )

    def optional_text(self) -> str | None:
        return None if self.rng.random() < 0.4 else self.text()

    def gotiny_float(self) -> float:
        value = self.rng.choice(
            (0.5, -0.25, 1.5, 0.1, -2.75e-300, 1.7976931348623157e-300, 5e-324, 123456.789)
        )
        if self.rng.random() < 0.5:
            value = self.rng.uniform(-1e6, 1e6)
        # A fraction keeps it a float in JavaScript too (see the module docstring).
        return value if value != int(value) else value + 0.5

    def gotiny_scalar(self) -> GotinyValue:
        kind = self.rng.randrange(6)
        if kind == 0:
            return None
        if kind == 1:
            return self.rng.random() < 0.5
        if kind == 2:
            return self.rng.choice((0, 63, -64, 127, -1, 8191, JS_SAFE_INT, -JS_SAFE_INT))
        if kind == 3:
            return self.gotiny_float()
        return self.text()

    def gotiny(self, depth: int = 0) -> GotinyValue:
        roll = self.rng.random()
        if depth < 4 and roll < 0.25:
            return self.gotiny_map(depth + 1)
        if depth < 4 and roll < 0.45:
            return [self.gotiny(depth + 1) for _ in range(self.rng.randint(0, 9))]
        return self.gotiny_scalar()

    def gotiny_map(self, depth: int = 0) -> dict[str, GotinyValue]:
        """At most one entry: Go writes several entries in random order."""
        if self.rng.random() < 0.15:
            return {}
        return {self.text(): self.gotiny(depth)}


def _messages(g: Generator) -> dict[MessageType, list[Message]]:
    rng = g.rng

    def many(build: Callable[[], Message]) -> list[Message]:
        return [build() for _ in range(PER_TYPE)]

    def object_definition() -> ObjectDefinition:
        return ObjectDefinition(
            g.uuid(),
            g.uuid(),
            g.uuid(),
            rng.choice((0, 1, 2, -1, 127, -128)),
            g.text(),
            g.transform(),
            rng.random() < 0.5,
            rng.random() < 0.5,
            rng.random() < 0.5,
        )

    def user_data() -> UserData:
        return UserData(g.uuid(), g.text(), g.text(), g.transform_no_scale(), rng.random() < 0.5)

    def activity_data() -> ActivityData | None:
        if rng.random() < 0.3:
            return None
        return ActivityData(
            None if rng.random() < 0.4 else g.vec3(),
            g.optional_text(),
            g.optional_text(),
            g.optional_text(),
            g.optional_text(),
            g.optional_text(),
            g.optional_text(),
        )

    def slot_entries() -> dict[str, dict[str, GotinyValue] | None]:
        roll = rng.random()
        if roll < 0.15:
            return {}
        slot_type = rng.choice(("texture", "string", "number", "audio", g.text()))
        return {slot_type: None if roll < 0.3 else g.gotiny_map()}

    messages: dict[MessageType, list[Message]] = {
        MessageType.HAND_SHAKE: many(
            lambda: HandShake(g.int64(), g.int64(), g.text(), g.uuid(), g.uuid())
        ),
        MessageType.TELEPORT_REQUEST: many(lambda: TeleportRequest(g.uuid())),
        MessageType.MY_TRANSFORM: many(lambda: MyTransform(g.vec3(), g.vec3())),
        MessageType.USERS_TRANSFORM_LIST: [
            UsersTransformList(
                tuple(
                    UserTransform(g.uuid(), g.transform_no_scale())
                    for _ in range(rng.choice((0, 1, 2, 5, 60)))
                )
            )
            for _ in range(PER_TYPE)
        ],
        MessageType.SET_WORLD: many(
            lambda: SetWorld(g.uuid(), g.text(), g.uuid(), g.uuid(), g.uuid())
        ),
        MessageType.ADD_OBJECTS: [
            AddObjects(tuple(object_definition() for _ in range(rng.choice((0, 1, 1, 3)))))
            for _ in range(PER_TYPE)
        ],
        MessageType.REMOVE_OBJECTS: [
            RemoveObjects(tuple(g.uuid() for _ in range(rng.randint(0, 4))))
            for _ in range(PER_TYPE)
        ],
        MessageType.OBJECT_TRANSFORM: many(lambda: ObjectTransform(g.uuid(), g.transform())),
        MessageType.OBJECT_DATA: many(lambda: ObjectData(g.uuid(), slot_entries())),
        MessageType.ADD_USERS: [
            AddUsers(tuple(user_data() for _ in range(rng.choice((0, 1, 1, 4)))))
            for _ in range(PER_TYPE)
        ],
        MessageType.REMOVE_USERS: [
            RemoveUsers(tuple(g.uuid() for _ in range(rng.randint(0, 4)))) for _ in range(PER_TYPE)
        ],
        MessageType.LOCK_OBJECT: many(lambda: LockObject(g.uuid())),
        MessageType.UNLOCK_OBJECT: many(lambda: UnlockObject(g.uuid())),
        MessageType.LOCK_OBJECT_RESPONSE: many(
            lambda: LockObjectResponse(g.uuid(), g.uint32(), g.uuid())
        ),
        MessageType.ATTRIBUTE_VALUE_CHANGED: many(
            lambda: AttributeValueChanged(
                g.uuid(),
                g.text(),
                rng.choice(("attribute_changed", "attribute_removed")),
                None if rng.random() < 0.2 else g.gotiny_map(),
                g.uuid(),
            )
        ),
        MessageType.SIGNAL: many(lambda: Signal(g.uint32())),
        MessageType.HIGH_FIVE: many(lambda: HighFive(g.uuid(), g.uuid(), g.text())),
        MessageType.NOTIFICATION: many(lambda: Notification(g.uint32(), g.text())),
        MessageType.FLY_TO_ME: many(lambda: FlyToMe(g.uuid(), g.text(), g.uuid())),
        MessageType.ACTIVITY_UPDATE: many(
            lambda: ActivityUpdate(
                g.uuid(),
                rng.choice(("new", "changed", "removed", "")),
                g.optional_text(),
                activity_data(),
                g.uuid(),
                g.uuid(),
            )
        ),
        MessageType.EVENT_START: many(
            lambda: EventStart({} if rng.random() < 0.2 else {g.text(): g.text()})
        ),
        MessageType.USER_STAKED_TO_ODYSSEY: many(
            lambda: UserStakedToOdyssey(
                "0x" + rng.randbytes(32).hex(),
                "0x" + rng.randbytes(20).hex(),
                g.uuid(),
                str(rng.getrandbits(rng.choice((8, 64, 128)))),
                g.text(),
                g.int64(),
            )
        ),
        MessageType.ADD_PENDING_STAKE: many(
            lambda: AddPendingStake(
                g.uuid(),
                g.uuid(),
                rng.choice((bytes(20), b"\xff" * 20, rng.randbytes(20))),
                rng.choice(
                    (
                        0,
                        126,
                        127,
                        10**18,
                        (1 << 64) - 1,
                        (1 << 256) - 1,
                        (1 << 63) + 12345,
                        rng.getrandbits(256),
                    )
                ),
                g.text(),
                g.int64(),
            )
        ),
        MessageType.GENERIC_MESSAGE: many(
            lambda: GenericMessage(g.text(), rng.randbytes(rng.choice((0, 1, 2, 17, 100))))
        ),
        MessageType.TRIGGER_VISUAL_EFFECTS: [
            TriggerVisualEffects(tuple(VisualEffect(g.text()) for _ in range(rng.randint(0, 3))))
            for _ in range(PER_TYPE)
        ],
        MessageType.USER_ACTION: many(lambda: UserAction(g.uint32())),
    }
    return messages


def build_fixture(seed: int = SEED) -> dict[str, Any]:
    frames = []
    for message_type, messages in _messages(Generator(seed)).items():
        for msg in messages:
            frames.append(
                {
                    "type_name": message_type.type_name,
                    "value": message_to_json(msg),
                    "hex": encode(msg).hex(),
                }
            )
    return {"format": 1, "producer": "python", "frames": frames}


def render(fixture: dict[str, Any]) -> str:
    """The exact file text (stable formatting, so the committed file can be compared)."""
    return json.dumps(fixture, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    output = Path(args[0]) if args else OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(build_fixture()), encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
