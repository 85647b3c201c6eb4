"""stage_key: one spelling per value, so equal inputs share an entry and any change makes a new one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pytest

from harness.cache import canonical_json, stage_key
from harness.errors import CacheError


@dataclass(frozen=True)
class Recipe:
    rank: int
    modules: tuple[str, ...]


def test_key_is_a_sha256_hex_digest() -> None:
    key = stage_key("split", "1", seed=3)
    assert len(key) == 64
    assert set(key) <= set("0123456789abcdef")


def test_key_ignores_keyword_and_mapping_order() -> None:
    assert stage_key("s", "1", a=1, b={"x": 1, "y": 2}) == stage_key("s", "1", b={"y": 2, "x": 1}, a=1)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param(Recipe(rank=8, modules=("q", "v")), {"rank": 8, "modules": ["q", "v"]}, id="dataclass-as-dict"),
        pytest.param(Path("data/corpus.jsonl"), "data/corpus.jsonl", id="path-as-posix-string"),
        pytest.param(("a", 1), ["a", 1], id="tuple-as-list"),
        pytest.param(MappingProxyType({"k": 1}), {"k": 1}, id="mapping-as-dict"),
        pytest.param(frozenset({"b", "a"}), ["a", "b"], id="set-sorted"),
    ],
)
def test_supported_values_key_like_their_plain_json(left: object, right: object) -> None:
    assert stage_key("s", "1", part=left) == stage_key("s", "1", part=right)


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(("other", "1", {"seed": 3}), id="stage"),
        pytest.param(("split", "2", {"seed": 3}), id="version"),
        pytest.param(("split", "1", {"seed": 4}), id="part-value"),
        pytest.param(("split", "1", {"seed": 3, "extra": None}), id="extra-part"),
    ],
)
def test_any_change_gives_a_new_key(changed: tuple[str, str, dict[str, object]]) -> None:
    stage, version, parts = changed
    assert stage_key(stage, version, **parts) != stage_key("split", "1", seed=3)


def test_unsupported_value_is_a_cache_error_naming_the_type() -> None:
    with pytest.raises(CacheError, match="object"):
        stage_key("s", "1", part=object())


def test_canonical_json_has_no_whitespace_and_sorted_keys() -> None:
    assert canonical_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
