"""Snapshots of the optimizer lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_optim.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.optim_setup import OptimSetup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_optim_paths(snap_compare, lang):
    """`tensortour optim`, Adam focused, three updates in: the four paths on the book's surface."""
    app = make_app(lang, "optim", setup=OptimSetup())
    assert snap_compare(app, press=["4", "right", "right", "right"], terminal_size=SIZE, run_before=verified)


def test_optim_loop_without_zero_grad(snap_compare):
    """`tensortour --lang zh optim --loop`, z, then iteration 2's backward: the gradients added up."""
    app = make_app("zh", "optim", setup=OptimSetup(page="loop"))
    assert snap_compare(app, press=["z", *["right"] * 9], terminal_size=SIZE, run_before=verified)
