"""Snapshots of the loss lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_loss.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.loss import LossSpec


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_loss_the_correct_class_term(snap_compare, lang):
    """`tensortour loss`, two steps in: term k=2, where t is 1 and the cross-entropy lives."""
    app = make_app(lang, "loss", setup=LossSpec())
    assert snap_compare(app, press=["right", "right"], terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_loss_accuracy_staircase_beside_cross_entropy(snap_compare, lang):
    """a, then the cursor at w = 0.5: accuracy flat between jumps, cross-entropy sloping."""
    app = make_app(lang, "loss", setup=LossSpec())
    assert snap_compare(app, press=["a", *["right"] * 14], terminal_size=SIZE, run_before=verified)
