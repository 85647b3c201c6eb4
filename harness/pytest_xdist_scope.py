"""A pytest-xdist scheduler that keeps each condition's tests on one worker.

Imported only by the plugin's ``pytest_xdist_make_scheduler`` hook, i.e. only when pytest-xdist runs.
Every test of a condition (answers, report files, latency, gates) is parametrized with its name, so the
trailing ``[name]`` of the node id is the unit of work: a worker computes a condition once and runs all of
its tests, while other workers run other conditions. (``--dist loadgroup`` would do this with markers, but
with pytest 9.2 and pytest-xdist 3.8 its node-id rewrite has no effect: pytest-xdist issue #1386.)
"""

from __future__ import annotations

import re

from xdist.scheduler import LoadScopeScheduling

__all__ = ["ConditionScheduling", "condition_scope"]

_PARAM_ID = re.compile(r"\[([^\[\]]+)\]$")


def condition_scope(nodeid: str) -> str:
    """``rag_baseline_tiny`` for ``.../test_x.py::test_y[rag_baseline_tiny]``; unparametrized tests by module."""
    found = _PARAM_ID.search(nodeid)
    return found.group(1) if found else nodeid.split("::", 1)[0]


class ConditionScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped for mypy here
    def _split_scope(self, nodeid: str) -> str:
        return condition_scope(nodeid)
