"""Area of interest: who each client sees at full rate, and who gets the slow round robin.

Pure, no I/O. When a world holds more users than the AOI threshold, its users are grouped by
the grid cell (a cube of ``cell_size`` metres) they stand in. Each cell is an interest group:
its clients get, every tick, the moves of the ``near`` users nearest to the cell's centre in
one shared list, plus a bounded round-robin slice of everybody else, shared
by the whole world. A client therefore receives at most ``near + far_per_tick`` transforms per
tick however full the world is, every user's latest transform still reaches everyone (the far
ones within ``users / far_per_tick`` ticks), and a tick costs one list per occupied cell rather
than one per client.

A client therefore sees at full rate at least the users within ``R - cell diagonal / 2`` of
it, where R is the distance from its cell's centre at which the ``near`` users end: keep cells
small next to that (the default 16 m, for 50 users).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

Position = tuple[float, float, float]
Cell = tuple[int, int, int]

# Rows (cells) of the distance matrix computed at once: bounds scratch memory to about
# ROWS x users x 8 bytes.
_ROWS_PER_BLOCK = 256


def cell_of(position: Position, cell_size: float) -> Cell:
    """The grid cell a position is in."""
    x, y, z = position
    return (math.floor(x / cell_size), math.floor(y / cell_size), math.floor(z / cell_size))


def group_by_cell(positions: Sequence[Position], cell_size: float) -> dict[Cell, list[int]]:
    """Indices of the positions, by the cell they are in (cells in order of first use)."""
    groups: dict[Cell, list[int]] = {}
    for index, position in enumerate(positions):
        groups.setdefault(cell_of(position, cell_size), []).append(index)
    return groups


def nearest_to_cells(
    positions: Sequence[Position], cells: Sequence[Cell], cell_size: float, count: int
) -> list[list[int]]:
    """For each cell, the indices of the ``count`` positions nearest to its centre.

    Ties are broken arbitrarily. O(cells x users) distance work, done by numpy without BLAS
    (three outer differences): a few milliseconds for 1,000 users in 300 cells.
    """
    n = len(positions)
    if n == 0 or not cells:
        return [[] for _ in cells]
    if count >= n:
        everyone = list(range(n))
        return [everyone for _ in cells]
    points: npt.NDArray[np.float64] = np.asarray(positions, dtype=np.float64).reshape(n, 3)
    centres: npt.NDArray[np.float64] = np.asarray(cells, dtype=np.float64).reshape(-1, 3)
    centres = (centres + 0.5) * cell_size
    result: list[list[int]] = []
    for start in range(0, len(cells), _ROWS_PER_BLOCK):
        block = centres[start : start + _ROWS_PER_BLOCK]
        distances = np.square(np.subtract.outer(block[:, 0], points[:, 0]))
        distances += np.square(np.subtract.outer(block[:, 1], points[:, 1]))
        distances += np.square(np.subtract.outer(block[:, 2], points[:, 2]))
        nearest = np.argpartition(distances, count - 1, axis=1)[:, :count]
        result.extend(nearest.tolist())
    return result


def round_robin(
    size: int, start: int, limit: int, wanted: Callable[[int], bool]
) -> tuple[list[int], int]:
    """Up to ``limit`` indices ``i`` with ``wanted(i)``, scanning once around from ``start``.

    Returns them and where the next scan starts (just after the last one taken, so every
    wanted index is reached within ``size / limit`` scans).
    """
    taken: list[int] = []
    if size == 0 or limit <= 0:
        return taken, 0
    start %= size
    index = start
    for _ in range(size):
        if wanted(index):
            taken.append(index)
            if len(taken) >= limit:
                return taken, (index + 1) % size
        index = (index + 1) % size
    return taken, start
