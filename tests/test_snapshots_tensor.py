"""Snapshots of the tensor lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_tensor.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.tensor_spec import PRESETS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tensor_view_cell_by_cell(snap_compare, lang):
    """`tensortour tensor --view -1,6`, nine cells in: y[1, 2] = storage[8], the same cell as x[0, 2, 0]."""
    app = make_app(lang, "tensor", setup=PRESETS[1])
    assert snap_compare(app, press=["right"] * 8, terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tensor_reshape_copies_a_transposed_tensor(snap_compare, lang):
    """`tensortour tensor --topic reshape --shape 3,4 --transpose --view 12`: torch's refusal, then the copy."""
    app = make_app(lang, "tensor", setup=PRESETS[7])
    assert snap_compare(app, press=["right", "right"], terminal_size=SIZE, run_before=verified)
