"""Receiving a multipart/form-data upload as a stream: the file part goes straight to staging.

Unlike a form parser that buffers every part before the handler runs, this feeds the request
body chunk by chunk to `python_multipart` and writes the file part's bytes to a `StagedUpload`
as they come, so a file is never whole in memory and an oversized one is refused as soon as it
passes its limit (or before reading, when Content-Length already says so). Other parts are small
text fields (at most `MAX_FIELD_BYTES` each, `MAX_FIELDS` of them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from odyssey.media.errors import InvalidUpload
from odyssey.media.staging import StagedFile, StagedUpload

MAX_FIELD_BYTES = 4096
MAX_FIELDS = 16
# Room for part headers, boundaries and the small fields around the file.
FORM_OVERHEAD = 64 * 1024


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True, slots=True)
class ReceivedUpload:
    file: StagedFile
    fields: dict[str, str]


class _Collector:
    """python_multipart callbacks: record what happened, for the async loop to act on."""

    def __init__(self, file_field: str) -> None:
        self.file_field = file_field
        self.part = _Part()
        self.header_name = b""
        self.header_value = b""
        self.disposition = b""
        self.file_chunks: list[bytes] = []
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.file_parts = 0

    def on_part_begin(self) -> None:
        self.part = _Part()
        self.disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = b""
        self.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        if b"name" not in options:
            raise InvalidUpload("a multipart part has no name")
        self.part.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            self.part.filename = options[b"filename"].decode("utf-8", "replace")
        self.part.is_file = self.part.name == self.file_field
        if self.part.is_file:
            self.file_parts += 1
            if self.file_parts > 1:
                raise InvalidUpload(f"more than one `{self.file_field}` part")
            self.filename = self.part.filename
        elif len(self.fields) >= MAX_FIELDS:
            raise InvalidUpload(f"more than {MAX_FIELDS} form fields")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part.is_file:
            self.file_chunks.append(data[start:end])
            return
        if len(self.part.data) + end - start > MAX_FIELD_BYTES:
            raise InvalidUpload(
                f"form field `{self.part.name}` is longer than {MAX_FIELD_BYTES} bytes"
            )
        self.part.data += data[start:end]

    def on_part_end(self) -> None:
        if not self.part.is_file:
            self.fields[self.part.name] = self.part.data.decode("utf-8", "replace")


async def receive_upload(
    headers: Mapping[str, str],
    body: AsyncIterator[bytes],
    staging: StagedUpload,
    *,
    file_field: str,
) -> ReceivedUpload:
    """Read a multipart body; the part named `file_field` goes to `staging`.

    On any failure the staging file is removed and the error raised.
    """
    try:
        return await _receive(headers, body, staging, file_field)
    except BaseException:
        staging.discard()
        raise


async def _receive(
    headers: Mapping[str, str],
    body: AsyncIterator[bytes],
    staging: StagedUpload,
    file_field: str,
) -> ReceivedUpload:
    content_type, options = parse_options_header(headers.get("content-type"))
    if content_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise InvalidUpload("send the file as multipart/form-data")
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit():
        staging.check_size(int(declared), slack=FORM_OVERHEAD)  # before reading the body
    collector = _Collector(file_field)
    parser = MultipartParser(
        options[b"boundary"],
        {
            "on_part_begin": collector.on_part_begin,
            "on_part_data": collector.on_part_data,
            "on_part_end": collector.on_part_end,
            "on_header_field": collector.on_header_field,
            "on_header_value": collector.on_header_value,
            "on_header_end": collector.on_header_end,
            "on_headers_finished": collector.on_headers_finished,
        },
    )
    try:
        async for chunk in body:
            parser.write(chunk)
            for data in collector.file_chunks:
                await staging.write(data)
            collector.file_chunks.clear()
        parser.finalize()
    except FormParserError as error:
        raise InvalidUpload(f"malformed multipart body: {error}") from error
    if collector.file_parts == 0:
        raise InvalidUpload(f"the form has no `{file_field}` file")
    staged = await staging.finish(collector.filename)
    if staged.size == 0:
        staged.path.unlink(missing_ok=True)
        raise InvalidUpload("the uploaded file is empty")
    return ReceivedUpload(file=staged, fields=collector.fields)
