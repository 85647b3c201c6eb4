"""Contiguous shards: nothing lost, nothing reordered, sizes within one of each other."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import ConfigError
from harness.scale import contiguous_shards


@given(st.lists(st.integers(), max_size=60), st.integers(min_value=1, max_value=12))
def test_shards_concatenate_back_to_the_input_with_balanced_sizes(items: list[int], n: int) -> None:
    shards = contiguous_shards(items, n)
    assert [x for shard in shards for x in shard] == items
    assert len(shards) == min(n, len(items)) and all(shards)
    if shards:
        sizes = [len(s) for s in shards]
        assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


def test_zero_shards_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="shards=0 must be >= 1"):
        contiguous_shards([1, 2], 0)
