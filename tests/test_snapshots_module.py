"""Snapshots of the nn.Module lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_module.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.module import ModuleSetup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_module_net_second_pool(snap_compare, lang):
    """`tensortour module`, six calls in: self.pool called again on line 17, its __init__ line marked."""
    app = make_app(lang, "module", setup=ModuleSetup())
    assert snap_compare(app, press=["right"] * 5, terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_module_simple_parameters_after_backward(snap_compare, lang):
    """`tensortour module simple --view params`, on W2 after loss.backward(): the book's in×out against torch's out×in."""
    app = make_app(lang, "module", setup=ModuleSetup(model="simple", view="params"))
    assert snap_compare(app, press=["right", "right", "g"], terminal_size=SIZE, run_before=verified)
