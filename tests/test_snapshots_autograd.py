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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_autograd_nograd_backward_refused(snap_compare, lang):
    """`tensortour autograd --preset nograd`, b: out.backward() refused in torch's words, x.grad None."""
    app = make_app(lang, "autograd", setup=AutogradSpec(preset="nograd"))
    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_autograd_vector_j_transpose_v(snap_compare, lang):
    """`tensortour autograd --preset vector`, end: J = diag(18, …), x.grad = Jᵀ·v, the mean as v = 1/4."""
    app = make_app(lang, "autograd", setup=AutogradSpec(preset="vector"))
    assert snap_compare(app, press=["end"], terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_autograd_twice_accumulates(snap_compare, lang):
    """`tensortour autograd --preset twice`, end, ←: the second backward, x.grad = 4.5 + 4.5 = 9."""
    app = make_app(lang, "autograd", setup=AutogradSpec(preset="twice"))
    assert snap_compare(app, press=["end", "left"], terminal_size=SIZE, run_before=verified)
