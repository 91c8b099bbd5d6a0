"""The entries of users' values (`AttributeStore.object_user_entries`): filtered, searched, sorted
and paged in SQL, with the results the route had when it did all of it in Python (the oracle
below is that code), and a page query bounded by the page size whatever the number of entries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from odyssey.core import ids
from odyssey.core.permissions import AttributeScope
from odyssey.db import AttributeRef
from odyssey.db.attributes import EntryQuery
from odyssey.handlers.attributes import entry_text
from odyssey.services import Services
from tests.db.db_cost import counting

USERS = 12
ENTRIES_PER_USER = 15  # 180 entries, many more than a page
Row = tuple[uuid.UUID, str, dict[str, str | None]]

_WORDS = ["Apple", "apple", "Éclair", "éclair", "zebra", "Zürich", "", "b", "a b", "100%_x"]


def _entry(user: int, index: int) -> Any:
    """Fields of every kind the entries compare as text: strings (case, accents, ties, empty,
    LIKE's own characters), integers and floats (compared as text: "10" < "9"), booleans,
    null and missing; and a few entries that are not objects at all."""
    if index == 7 and user % 3 == 0:
        return "not an object"
    entry: dict[str, Any] = {
        "text": _WORDS[(user * 7 + index) % len(_WORDS)],
        "n": (user * index) % 11,
        "f": [0.5, 2.25, -1.0, 10.0][index % 4],
        "up": index % 3 == 0,
        "tag": None if index % 4 == 0 else f"T{index % 5}",
    }
    if index % 5 == 0:
        del entry["text"]
    return entry


def _oracle(values: dict[uuid.UUID, dict[str, Any]], query: EntryQuery) -> tuple[int, list[Row]]:
    """The route's code before the query moved into SQL."""
    rows: list[Row] = []
    for user_id, value in values.items():
        for key, entry in value.items():
            item = entry if isinstance(entry, dict) else {}
            shown = {name: entry_text(item.get(name)) for name in query.fields}
            if any(shown.get(name) != wanted for name, wanted in query.filters.items()):
                continue
            searched = [text for name, text in shown.items() if name not in query.filters and text]
            if query.search and not any(query.search in text.lower() for text in searched):
                continue
            rows.append((user_id, key, shown))
    if query.order is not None:
        name = query.order.lstrip("-")
        rows.sort(
            key=lambda row: (row[2][name] is None, row[2][name] or ""),
            reverse=query.order.startswith("-"),
        )
    return len(rows), rows[query.offset : query.offset + query.limit]


async def _values(services: Services) -> tuple[uuid.UUID, dict[uuid.UUID, dict[str, Any]]]:
    owner = await services.users.create_user(name="Owner")
    world = await services.objects.create_world("Entries", owner.user_id)
    for user in range(USERS):
        voter = await services.users.create_user(name=f"Voter {user}")
        # Keys not in sorted order, so the keys' order in each value is seen to be kept.
        value = {f"k{(index * 7) % ENTRIES_PER_USER}": _entry(user, index) for index in range(15)}
        ref = AttributeRef(
            AttributeScope.OBJECT_USER,
            ids.CORE_PLUGIN_ID,
            "comments",
            object_id=world.id,
            user_id=voter.user_id,
        )
        await services.attributes.set_value(ref, value if user != 4 else {})
    values = await services.attributes.object_user_values(world.id, ids.CORE_PLUGIN_ID, "comments")
    return world.id, values


def _query(**changes: Any) -> EntryQuery:
    base: dict[str, Any] = {
        "fields": ("text", "n", "f", "up", "tag"),
        "filters": {},
        "search": None,
        "order": None,
        "limit": 10,
        "offset": 0,
    }
    return EntryQuery(**{**base, **changes})


QUERIES: dict[str, EntryQuery] = {
    "first page in the values' order": _query(),
    "a middle page": _query(offset=40, limit=25),
    "the last, partial page": _query(offset=170, limit=25),
    "past the end": _query(offset=500),
    "by text, ties in the values' order, missing last": _query(order="text", limit=100),
    "by text descending, missing first": _query(order="-text", offset=20, limit=100),
    "by a number, as text": _query(order="n", limit=60),
    "by a float descending": _query(order="-f", limit=60),
    "by a boolean": _query(order="up", offset=50),
    "by a field with nulls, descending": _query(order="-tag", limit=100),
    "filter on a string": _query(filters={"text": "apple"}, limit=100),
    "filter on an empty string": _query(filters={"text": ""}, limit=100),
    "filter on a number's text": _query(filters={"n": "3"}, limit=100),
    "filter on a float's text": _query(filters={"f": "10.0"}, order="-n", limit=100),
    "filter on a boolean's text": _query(filters={"up": "true"}, limit=100),
    "filter that matches nothing": _query(filters={"tag": "nope"}),
    "search, case-insensitive": _query(search="apple", limit=100),
    "search, accents folded as Python does": _query(search="éclair", limit=100),
    "search, LIKE's characters taken literally": _query(search="0%_", limit=100),
    "search in the number fields": _query(fields=("n", "f"), search="2", limit=100),
    "search skips filtered fields": _query(
        fields=("text", "tag"), filters={"tag": "T1"}, search="t1", limit=100
    ),
    "search with every field filtered": _query(fields=("tag",), filters={"tag": "T1"}, search="t"),
    "search and sort and page": _query(search="e", order="-text", offset=5, limit=7),
    "a field no entry has": _query(fields=("nothing",), order="nothing", limit=100),
}


async def test_entries_match_the_python_filtering_they_replaced(services: Services) -> None:
    world, values = await _values(services)
    assert sum(len(value) for value in values.values()) == (USERS - 1) * ENTRIES_PER_USER
    for case, query in QUERIES.items():
        count, page = await services.attributes.object_user_entries(
            world, ids.CORE_PLUGIN_ID, "comments", query
        )
        found = [
            (
                entry.user_id,
                entry.key,
                {f: entry_text((entry.value or {}).get(f)) for f in query.fields},
            )
            for entry in page
        ]
        assert (count, found) == _oracle(values, query), case


async def test_no_values_no_entries(services: Services) -> None:
    world, _ = await _values(services)
    for name in ("vote", "comments"):
        target = world if name == "vote" else uuid.uuid4()
        assert await services.attributes.object_user_entries(
            target, ids.CORE_PLUGIN_ID, name, _query()
        ) == (0, [])


@pytest.mark.parametrize("limit", [1, 7])
async def test_the_page_query_is_bounded_by_the_page_size(services: Services, limit: int) -> None:
    world, _ = await _values(services)
    with counting(services.db) as cost:
        count, page = await services.attributes.object_user_entries(
            world, ids.CORE_PLUGIN_ID, "comments", _query(order="-text", offset=3, limit=limit)
        )
    assert count > 10 * limit and len(page) == limit
    entries = [(sql, params) for sql, params in cost.executed if "object_user_attribute" in sql]
    assert len(entries) == 2, entries  # the count, then the page
    counted, (paged, parameters) = entries
    assert "count(" in counted[0].lower() and "LIMIT" not in counted[0]
    assert "LIMIT" in paged and "OFFSET" in paged
    bound = list(parameters.values()) if isinstance(parameters, dict) else list(parameters)
    assert bound[-2:] == [limit, 3]
