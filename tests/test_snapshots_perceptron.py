"""Snapshots of the perceptron lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_perceptron.py --snapshot-update` and look at the SVGs.
The lesson has no torch check, so nothing on screen depends on a child process.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app

from engine.perceptron import PerceptronSpec


async def settled(pilot) -> None:
    """The lesson text is rendered after the first frame."""
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_perceptron_xor_one_line(snap_compare, lang):
    """`tensortour perceptron --gate xor`, three inputs in: the fourth row is wrong, no line separates XOR."""
    app = make_app(lang, "perceptron", setup=PerceptronSpec("xor"))
    assert snap_compare(app, press=["right", "right", "right"], terminal_size=SIZE, run_before=settled)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_perceptron_two_layer_xor(snap_compare, lang):
    """`tensortour perceptron --gate xor2`, second input: s1, s2 and y written out, the band between two lines."""
    app = make_app(lang, "perceptron", setup=PerceptronSpec("xor2"))
    assert snap_compare(app, press=["right"], terminal_size=SIZE, run_before=settled)
