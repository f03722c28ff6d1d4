"""Snapshots of the classic-CNN lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_arch.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.arch_nets import ArchSpec


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_arch_alexnet(snap_compare, lang):
    """`tensortour arch alexnet`, three layers in: the second conv's formulas, the table following."""
    app = make_app(lang, "arch", setup=ArchSpec("alexnet"))
    assert snap_compare(app, press=["right", "right", "right"], terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_arch_googlenet_inception(snap_compare, lang):
    """`tensortour arch googlenet`, on inception3a: four branches and their concatenation."""
    app = make_app(lang, "arch", setup=ArchSpec("googlenet"))
    assert snap_compare(app, press=["right"] * 5, terminal_size=SIZE, run_before=verified)
