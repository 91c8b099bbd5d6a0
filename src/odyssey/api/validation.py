"""Input types shared by the request models: ids, bounded texts and bounded JSON values.

Every string that reaches the database is checked here first: no NUL characters and no lone
surrogates (PostgreSQL refuses both, which would otherwise surface as a server error), bounded
lengths, and JSON values that are finite, shallow enough and small enough.
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, Field

#: Largest attribute value (or option set) accepted, as compact JSON.
MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32
MAX_NAME_LENGTH = 255
MAX_TEXT_LENGTH = 10_000
MAX_KEY_LENGTH = 255


def check_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


def _check_json(value: Any, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, str):
        check_text(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("numbers must be finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("object keys must be strings")
            check_text(key)
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif value is not None and not isinstance(value, bool | int):
        raise ValueError(f"not a JSON value: {type(value).__name__}")


def check_json(value: Any) -> Any:
    """A JSON value safe to store: see the module doc."""
    _check_json(value, 0)
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > MAX_JSON_BYTES:
        raise ValueError(f"JSON value of {size} bytes is larger than {MAX_JSON_BYTES}")
    return value


Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH), AfterValidator(check_text)]
OptionalText = Annotated[str, Field(max_length=MAX_TEXT_LENGTH), AfterValidator(check_text)]
Key = Annotated[str, Field(min_length=1, max_length=MAX_KEY_LENGTH), AfterValidator(check_text)]
JsonObject = Annotated[dict[str, Any], AfterValidator(check_json)]
JsonValue = Annotated[Any, AfterValidator(check_json)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Id = uuid.UUID

#: A short search text from the query string.
SearchText = Annotated[str, Field(max_length=MAX_NAME_LENGTH), AfterValidator(check_text)]
