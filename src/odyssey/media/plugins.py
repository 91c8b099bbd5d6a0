"""Plugin bundles: a gzip tar of static files (a Module Federation remote) with a manifest.json.

Unpacking is defensive, and a bundle with one bad entry is refused as a whole (nothing of it is
stored): only regular files and directories (no symlinks, hardlinks, devices or FIFOs); every
name must be a plain relative path (no absolute path, no `..`, no backslash, no drive letter, no
control character) and appear once; the number of files and their total size are limited, checked
from each header before its data is read, so a gzip bomb stops early. When every file sits
under one top-level folder, that folder is stripped (the reference always strips the first
level; a bundle packed without a top folder keeps its names).

The id of a bundle is the media hash of a canonical listing of its files — for each file in
path order: the path, a NUL, the length as 8 bytes big-endian, then the content — so the same
files packed twice (other mtimes, other order) get the same id, and renaming a file changes it.
"""

from __future__ import annotations

import json
import re
import shutil
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from odyssey.media.errors import InvalidPlugin
from odyssey.media.ids import MediaHasher

MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024
_COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class PluginBundle:
    """An unpacked bundle: `files` maps each name in the bundle to its file on disk."""

    media_hash: str
    files: dict[str, Path]
    manifest: dict[str, Any]


def normalize_plugin_path(path: str) -> str | None:
    """`path` as a clean relative name (`a/b.js`), or None if it could leave its folder."""
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if not segments:
        return None
    for segment in segments:
        if segment == ".." or "\\" in segment or any(ord(ch) < 0x20 for ch in segment):
            return None
    return "/".join(segments)


_DRIVE = re.compile(r"^[A-Za-z]:")


def bundle_entry_path(name: str) -> str | None:
    """The name of a bundle entry as a clean relative path, or None if it is not one.

    Stricter than `normalize_plugin_path`: an archive entry that would be absolute, or relative
    to a drive, somewhere else refuses the bundle instead of being quietly re-rooted. `./` and
    repeated slashes (what `tar` writes for `tar czf b.tgz ./dir`) are fine.
    """
    if name.startswith("/") or "\\" in name or _DRIVE.match(name):
        return None
    return normalize_plugin_path(name)


def unpack_plugin(
    bundle: Path, into: Path, *, max_unpacked_bytes: int, max_files: int
) -> PluginBundle:
    """Unpack the bundle at `bundle` into the empty folder `into` and name it."""
    names = _extract(bundle, into, max_unpacked_bytes=max_unpacked_bytes, max_files=max_files)
    files = {name: into.joinpath(*name.split("/")) for name in names}
    top_levels = {name.split("/", 1)[0] for name in names}
    if len(top_levels) == 1 and all("/" in name for name in names):
        files = {name.split("/", 1)[1]: path for name, path in files.items()}
    manifest_path = files.get(MANIFEST_NAME)
    if manifest_path is None:
        raise InvalidPlugin("plugin bundle has no manifest.json at its top level")
    manifest = _read_manifest(manifest_path)
    hasher = MediaHasher()
    for name in sorted(files):
        path = files[name]
        hasher.update(name.encode("utf-8") + b"\x00" + path.stat().st_size.to_bytes(8, "big"))
        with path.open("rb") as file:
            while chunk := file.read(_COPY_CHUNK):
                hasher.update(chunk)
    return PluginBundle(media_hash=hasher.hexdigest(), files=files, manifest=manifest)


def _extract(bundle: Path, into: Path, *, max_unpacked_bytes: int, max_files: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    total = 0
    try:
        with tarfile.open(bundle, mode="r|gz") as archive:
            for member in archive:
                name = bundle_entry_path(member.name)
                if member.isdir():
                    if name is None and member.name not in (".", "./"):
                        raise InvalidPlugin(f"plugin bundle folder {member.name!r} is not relative")
                    continue
                if not member.isreg():
                    raise InvalidPlugin(f"plugin bundle entry {member.name!r} is not a file")
                if name is None:
                    raise InvalidPlugin(
                        f"plugin bundle entry {member.name!r} is not a relative path inside it"
                    )
                if name in seen:
                    raise InvalidPlugin(f"plugin bundle has {name!r} twice")
                total += member.size
                if len(names) + 1 > max_files:
                    raise InvalidPlugin(f"plugin bundle has more than {max_files} files")
                if total > max_unpacked_bytes:
                    raise InvalidPlugin(
                        f"plugin bundle unpacks to more than {max_unpacked_bytes} bytes"
                    )
                source = archive.extractfile(member)
                if source is None:  # pragma: no cover - regular files always have data
                    raise InvalidPlugin(f"plugin bundle entry {name!r} has no data")
                target = into.joinpath(*name.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                with source, target.open("xb") as sink:
                    shutil.copyfileobj(source, sink, _COPY_CHUNK)
                seen.add(name)
                names.append(name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise InvalidPlugin(f"plugin bundle is not a readable .tar.gz: {error}") from error
    if not names:
        raise InvalidPlugin("plugin bundle has no files")
    return names


def _read_manifest(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise InvalidPlugin("plugin manifest.json is larger than 1 MiB")
    try:
        manifest = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidPlugin(f"plugin manifest.json is not valid JSON: {error}") from error
    if not isinstance(manifest, dict):
        raise InvalidPlugin("plugin manifest.json is not an object")
    name = manifest.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidPlugin("plugin manifest.json has no name")
    return manifest
