"""Snapshots of the pooling lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_pool.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.pool_setup import PoolSetup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pool_lesson(snap_compare, lang):
    """`tensortour pool`, two steps in: the window on the digit, the winner marked."""
    app = make_app(lang, "pool", setup=PoolSetup())
    assert snap_compare(app, press=["right", "right"], terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pool_avg_padded_backward(snap_compare, lang):
    """`tensortour pool --mode avg --padding 1 --input ramp`, then b: the gradient spread, padding shares lost."""
    app = make_app(lang, "pool", setup=PoolSetup(input_name="ramp", mode="avg", padding=1))
    assert snap_compare(app, press=["b", "right", "right"], terminal_size=SIZE, run_before=verified)
