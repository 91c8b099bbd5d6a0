"""Conditional and range requests (RFC 9110 §13.1.2 If-None-Match, §14 Range), as pure functions.

One byte range is served (206); a request for several ranges gets the whole file (200), which
RFC 9110 allows. A Range header that does not parse is ignored, as the RFC asks; one that parses
but starts past the end is "not satisfiable" (416).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE_RANGE = re.compile(r"bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes `start` to `stop` (exclusive) of a file of `size` bytes."""

    start: int
    stop: int
    size: int

    @property
    def length(self) -> int:
        return self.stop - self.start

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.stop - 1}/{self.size}"


class RangeNotSatisfiable(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"no byte of the requested range is within the {size} bytes")
        self.size = size


def _opaque_tags(header: str) -> list[str]:
    tags = []
    for item in header.split(","):
        tag = item.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.append(tag)
    return tags


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header matches `etag` (weak comparison; `*` matches)."""
    if not if_none_match:
        return False
    tags = _opaque_tags(if_none_match)
    return "*" in tags or etag in tags


def select_range(
    range_header: str | None, if_range: str | None, size: int, etag: str
) -> ByteRange | None:
    """The one range to send, or None for the whole file; raises RangeNotSatisfiable."""
    if not range_header:
        return None
    if if_range is not None and if_range.strip() != etag:
        return None  # the client's copy is another version (or If-Range is a date): send all
    match = _SINGLE_RANGE.fullmatch(range_header.strip())
    if match is None:
        return None  # another unit, several ranges, or not a range at all
    first, last = match.group(1), match.group(2)
    if first == "":
        if last == "":
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return ByteRange(start=max(0, size - suffix), stop=size, size=size)
    start = int(first)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable(size)
    stop = size if last == "" else min(int(last) + 1, size)
    return ByteRange(start=start, stop=stop, size=size)
