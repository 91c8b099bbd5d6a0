"""The S3 media store: one object per key in a bucket (AWS S3, MinIO, Garage, Ceph, moto...).

Keys are the filesystem store's paths, under an optional prefix. Objects carry their content
type. boto3 is synchronous, so every call runs in a worker thread; uploads from a staged file use
boto3's managed transfer (multipart above 8 MiB, never the whole file in memory), and reads
stream the response body in chunks.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from anyio import to_thread
from botocore.config import Config
from botocore.exceptions import ClientError

from odyssey.media.errors import MediaMissing
from odyssey.media.store import READ_CHUNK, check_key, prepare_staging

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING_CODES = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _MISSING_CODES


class S3MediaStore:
    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        staging_dir: Path | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._staging = staging_dir or Path(tempfile.gettempdir()) / "odyssey-media-staging"
        self._region = region
        self._client: S3Client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                max_pool_connections=64,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )

    @property
    def staging_dir(self) -> Path:
        return self._staging

    def _key(self, key: str) -> str:
        check_key(key)
        return self.prefix + key

    async def start(self) -> None:
        await to_thread.run_sync(prepare_staging, self._staging)
        await to_thread.run_sync(self._ensure_bucket)

    def _ensure_bucket(self) -> None:
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if not _is_missing(error):
                raise
            options: dict[str, Any] = {}
            if self._region != "us-east-1":
                options["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
            self._client.create_bucket(Bucket=self.bucket, **options)

    async def close(self) -> None:
        await to_thread.run_sync(self._client.close)

    async def put_file(self, key: str, source: Path, *, content_type: str) -> bool:
        try:
            return await to_thread.run_sync(self._upload_file, self._key(key), source, content_type)
        finally:
            await to_thread.run_sync(lambda: source.unlink(missing_ok=True))

    def _upload_file(self, key: str, source: Path, content_type: str) -> bool:
        if self._head(key) is not None:
            return False
        self._client.upload_file(
            str(source), self.bucket, key, ExtraArgs={"ContentType": content_type}
        )
        return True

    async def put_bytes(self, key: str, data: bytes, *, content_type: str) -> bool:
        return await to_thread.run_sync(self._put_bytes, self._key(key), data, content_type)

    def _put_bytes(self, key: str, data: bytes, content_type: str) -> bool:
        if self._head(key) is not None:
            return False
        self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return True

    def _head(self, key: str) -> int | None:
        try:
            response = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                return None
            raise
        return int(response["ContentLength"])

    async def size(self, key: str) -> int | None:
        return await to_thread.run_sync(self._head, self._key(key))

    def _get_body(self, key: str, start: int, stop: int | None) -> Any:
        if stop is not None and stop <= start:
            return None
        options: dict[str, Any] = {}
        if start or stop is not None:
            options["Range"] = f"bytes={start}-{'' if stop is None else stop - 1}"
        try:
            return self._client.get_object(Bucket=self.bucket, Key=key, **options)["Body"]
        except ClientError as error:
            if _is_missing(error):
                raise MediaMissing(key) from error
            raise

    async def open(self, key: str, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        body = await to_thread.run_sync(self._get_body, self._key(key), start, stop)
        return self._chunks(body)

    @staticmethod
    async def _chunks(body: Any) -> AsyncIterator[bytes]:
        if body is None:
            return
        try:
            while chunk := await to_thread.run_sync(body.read, READ_CHUNK):
                yield chunk
        finally:
            body.close()

    async def read(self, key: str, start: int = 0, stop: int | None = None) -> bytes:
        return await to_thread.run_sync(self._read, self._key(key), start, stop)

    def _read(self, key: str, start: int, stop: int | None) -> bytes:
        body = self._get_body(key, start, stop)
        if body is None:
            return b""
        try:
            data: bytes = body.read()
            return data
        finally:
            body.close()

    async def delete(self, key: str) -> bool:
        return await to_thread.run_sync(self._delete, self._key(key))

    def _delete(self, key: str) -> bool:
        if self._head(key) is None:
            return False
        self._client.delete_object(Bucket=self.bucket, Key=key)
        return True

    async def list_keys(self, prefix: str) -> list[str]:
        return await to_thread.run_sync(self._list, self._key(prefix) + "/")

    def _list(self, prefix: str) -> list[str]:
        keys: list[str] = []
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(item["Key"][len(self.prefix) :] for item in page.get("Contents", []))
        return sorted(keys)
