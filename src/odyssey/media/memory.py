"""Giving the memory of image decodes back to the operating system.

Pillow allocates a decoded image in blocks of 16 MiB with `malloc`; with many decodes in worker
threads at once, glibc serves them from several heap arenas and keeps much of what is freed, so
a node that had decoded a dozen large images in parallel kept gigabytes. The decode budget
(`budget.py`) bounds how much is ever taken; when the last decode is done the service calls
`release_freed_memory()`, which asks glibc to hand back the free pages of every arena
(`malloc_trim`). Measured in `docs/performance.md` (50 uploads of 8192x8192: 15 MiB kept
without it, 6 MiB with it). It does nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
    except (OSError, AttributeError):
        return None
    return libc


def release_freed_memory() -> None:
    """Return the free pages of every malloc arena to the operating system (glibc only)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
