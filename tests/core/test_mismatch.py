"""Mismatches: the differences a miss lists, one line each, for the diagnosis to show."""

from __future__ import annotations

from canned._core.mismatch import json_differences


def test_json_differences_name_extra_fields_and_list_items() -> None:
    assert json_differences({"a": [1, 2]}, {"a": [1, 3], "b": 0}) == [
        "field 'a[1]': expected 2, got 3",
        "field 'b': not expected, got 0",
    ]
    assert json_differences([1], [1, 2]) == ["body: expected 1 items, got 2"]
    assert json_differences(1, 1.0) == ["body: expected 1, got 1.0"]
