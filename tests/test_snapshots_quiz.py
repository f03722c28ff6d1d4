"""Snapshots of a question being asked at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_quiz.py --snapshot-update` and look at the SVGs.
The broadcasting lesson's first question is about shapes: no floating-point digits to drift.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app

from engine.broadcast_setup import BroadcastSetup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_broadcast_asks_what_rule_one_makes_of_b(snap_compare, lang):
    """`tensortour broadcast`, then →: stopped at step 1, asking what b (4,) becomes."""
    app = make_app(lang, "broadcast", setup=BroadcastSetup(), quiz=True)
    assert snap_compare(app, press=["right"], terminal_size=SIZE)
