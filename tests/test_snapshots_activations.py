"""Snapshots of the activations lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_activations.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.activations import ActivationSpec
from engine.activations_collapse import ActivationSetup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_activations_sigmoid_cursor(snap_compare, lang):
    """`tensortour activations`, cursor at x = 1.5: the braille curves, f and f′ read below."""
    app = make_app(lang, "activations", setup=ActivationSetup())
    assert snap_compare(app, press=["right"] * 6, terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_activations_softmax(snap_compare, lang):
    """`tensortour activations --function softmax`, last entry: the table with bars and a Jacobian row."""
    app = make_app(lang, "activations", setup=ActivationSetup(ActivationSpec("softmax")))
    assert snap_compare(app, press=["right", "right"], terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_activations_collapse(snap_compare, lang):
    """`tensortour activations --collapse`: W2·(W1·x) against W·x and against W2·ReLU(W1·x)."""
    app = make_app(lang, "activations", setup=ActivationSetup(collapse=True))
    assert snap_compare(app, press=["right"], terminal_size=SIZE)
