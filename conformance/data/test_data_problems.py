"""How a bad value is shown in an error line: JSON-like, real UTF-8, cut to 60 characters."""

from __future__ import annotations

import pytest

from harness.data._problems import MISSING, Verbatim, show


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("y" * 58, '"' + "y" * 58 + '"'),  # 60 characters: shown whole
        ("y" * 59, '"' + "y" * 56 + "..."),  # 61: cut to 60, the cut marked
        ("café", '"café"'),  # not "caf\u00e9"
        ([1, None, True], "[1, null, true]"),
        (MISSING, "<missing>"),
        (Verbatim("<byte 0xff at column 3>"), "<byte 0xff at column 3>"),
        ({1, 2}, "{1, 2}"),  # not JSON: Python's repr
    ],
    ids=["60-chars", "61-chars", "non-ascii", "json", "missing", "verbatim", "not-json"],
)
def test_show(value: object, shown: str) -> None:
    assert show(value) == shown


def test_show_with_a_smaller_limit() -> None:
    assert show("abcdefgh", limit=6) == '"ab...'
