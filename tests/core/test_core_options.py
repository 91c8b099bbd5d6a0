"""Deep merge of options and the object-option readers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odyssey.core import ids
from odyssey.core.geometry import Transform, Vec3
from odyssey.core.options import (
    allowed_children,
    child_limit,
    deep_merge,
    effective_object_options,
    is_editable,
    is_empty,
    is_private,
    show_on_minimap,
    spawn_point,
    visible,
)

json_scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text("xy", max_size=2)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abcd"), inner, max_size=3)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.sampled_from("abcdef"), json_values, max_size=5)


def test_nested_maps_merge_recursively_and_the_instance_wins() -> None:
    default = {"a": 1, "m": {"x": 1, "y": {"deep": 1, "keep": 2}}, "only_default": True}
    override = {"a": 2, "m": {"y": {"deep": 9}, "z": 3}, "only_override": "o"}
    assert deep_merge(default, override) == {
        "a": 2,
        "m": {"x": 1, "y": {"deep": 9, "keep": 2}, "z": 3},
        "only_default": True,
        "only_override": "o",
    }


@pytest.mark.parametrize("empty", [None, [], {}, ""])
def test_an_empty_override_keeps_the_default(empty: Any) -> None:
    default = {"list": [1, 2], "text": "t", "map": {"k": 1}, "n": 5}
    merged = deep_merge(default, {key: empty for key in default})
    assert merged == default


def test_arrays_replace_rather_than_concatenate() -> None:
    default = {"allowed_children": ["a", "b"]}
    assert deep_merge(default, {"allowed_children": ["c"]}) == {"allowed_children": ["c"]}


@pytest.mark.parametrize("value", [0, 0.0, False])
def test_zero_and_false_are_values_not_empty(value: Any) -> None:
    assert deep_merge({"visible": 3, "minimap": True}, {"visible": value, "minimap": value}) == {
        "visible": value,
        "minimap": value,
    }
    assert not is_empty(value)


def test_type_mismatches_let_the_instance_win() -> None:
    assert deep_merge({"a": {"x": 1}}, {"a": 5}) == {"a": 5}
    assert deep_merge({"a": 5}, {"a": {"x": 1}}) == {"a": {"x": 1}}
    assert deep_merge({"a": 5}, {"a": {}}) == {"a": 5}  # empty map: keep default


def test_none_inputs() -> None:
    assert deep_merge(None, None) == {}
    assert deep_merge({"a": 1}, None) == {"a": 1}
    assert deep_merge(None, {"a": 1}) == {"a": 1}
    assert deep_merge(None, {"a": None}) == {"a": None}  # nothing to fall back to


def test_the_result_shares_nothing_with_the_inputs() -> None:
    default = {"m": {"list": [1, [2]]}, "d": {"x": 1}}
    override = {"o": {"list": [3]}}
    merged = deep_merge(default, override)
    merged["m"]["list"][1].append(99)
    merged["d"]["x"] = 2
    merged["o"]["list"].append(4)
    assert default == {"m": {"list": [1, [2]]}, "d": {"x": 1}}
    assert override == {"o": {"list": [3]}}


@given(json_objects, json_objects)
def test_merge_properties(default: dict[str, Any], override: dict[str, Any]) -> None:
    merged = deep_merge(default, override)
    assert set(merged) == set(default) | set(override)
    assert deep_merge(default, None) == default
    assert deep_merge(None, override) == override
    # Merging again over the same defaults changes nothing.
    assert deep_merge(default, merged) == merged
    for key, value in override.items():
        if not is_empty(value) and not isinstance(value, dict):
            assert merged[key] == value


def test_effective_object_options_merge_object_over_type() -> None:
    type_options = {"visible": 3, "editable": True, "allowed_children": ["a"], "subs": None}
    object_options = {"editable": False, "allowed_children": [], "subs": {"k": 1}}
    assert effective_object_options(type_options, object_options) == {
        "visible": 3,
        "editable": False,
        "allowed_children": ["a"],
        "subs": {"k": 1},
    }
    assert effective_object_options(type_options, None) == type_options


def test_allowed_children_parses_ids_and_ignores_junk() -> None:
    upper = str(ids.WORLD_TYPE_ID).upper()
    options = {"allowed_children": [upper, "nonsense", 7, str(ids.CUSTOM_TYPE_ID)]}
    assert allowed_children(options) == {ids.WORLD_TYPE_ID, ids.CUSTOM_TYPE_ID}
    assert allowed_children({}) == frozenset()
    assert allowed_children({"allowed_children": "a41ee21e-6c56-41b3-81a9-1c86578b6b3c"}) == set()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (42, 42),
        (42.0, 42),
        (0, 0),
        (-1, None),
        (1.5, None),
        ("5", None),
        (True, None),
        (None, None),
    ],
)
def test_child_limit(raw: Any, expected: int | None) -> None:
    assert child_limit({"child_limit": raw}) == expected


def test_flags_and_visibility() -> None:
    assert visible({"visible": 3}) == 3
    assert visible({"visible": 1.0}) == 1
    assert visible({"visible": True}) is None
    assert is_editable({}) is True
    assert is_editable({"editable": False}) is False
    assert is_private({}) is False
    assert is_private({"private": True}) is True
    # minimap: explicit wins; when unset, only "2D UI only" objects show on the minimap
    assert show_on_minimap({"minimap": False, "visible": 1}) is False
    assert show_on_minimap({"minimap": True, "visible": 0}) is True
    assert show_on_minimap({"visible": 1}) is True
    assert show_on_minimap({"visible": 3}) is False
    assert show_on_minimap({}) is False


def test_spawn_point() -> None:
    options = {"spawn_point": {"position": {"x": 50, "y": 50, "z": 150}, "rotation": 0}}
    assert spawn_point(options) == Transform(Vec3(50, 50, 150))
    rotated = {"spawn_point": {"position": {"x": 1}, "rotation": {"y": 90}}}
    assert spawn_point(rotated) == Transform(Vec3(1, 0, 0), Vec3(0, 90, 0))
    assert spawn_point({}) is None
    assert spawn_point({"spawn_point": {"position": {"x": "far"}}}) is None
