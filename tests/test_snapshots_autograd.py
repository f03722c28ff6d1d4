"""Snapshots of the backprop lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_autograd.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.autograd_presets import AutogradSpec


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_autograd_course_y_times_y_adds_both_shares(snap_compare, lang):
    """`tensortour autograd`, b, then backward through u = y·y: 2.25 + 2.25 = 4.5."""
    app = make_app(lang, "autograd", setup=AutogradSpec())
    assert snap_compare(
        app,
        press=["b", "right", "right", "right"],
        terminal_size=SIZE,
        run_before=verified,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_autograd_twolayer_backward_through_the_second_affine(snap_compare, lang):
    """`tensortour autograd --preset twolayer`, backward through s = r·W2 + b2, W2's rows marked in the table."""
    app = make_app(lang, "autograd", setup=AutogradSpec(preset="twolayer"))
    assert snap_compare(app, press=["b", "right", "right"], terminal_size=SIZE, run_before=verified)
