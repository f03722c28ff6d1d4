"""Snapshots of the DataLoader lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_data.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
The workers view is left out: it names this machine's CPU count.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.data import DataSpec


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_data_lesson(snap_compare, lang):
    """`tensortour data`, two batches in: the batch marked in the dataset and among the rows, the loader's notes."""
    app = make_app(lang, "data", setup=DataSpec())
    assert snap_compare(app, press=["right", "right"], terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_data_transform_with_drop_last(snap_compare, lang):
    """`tensortour data --size 11 --drop-last`, then v: the dropped samples in italics, the pixel's arithmetic."""
    app = make_app(lang, "data", setup=DataSpec(size=11, drop_last=True))
    assert snap_compare(app, press=["v", "right"], terminal_size=SIZE, run_before=verified)
