"""Snapshots of the nn.Module lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_module.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict, so the verification line is the same on every run.
"""

from __future__ import annotations

import pytest
from module_zoo import WRONG_IN_FEATURES
from pilot_support import SIZE, make_app, verified
from test_tui_module_file import InProcessLoader

from engine.module import ModuleSetup
from engine.module_file import FileSpec
from engine.module_file_result import OwnNet


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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_module_own_file_that_stops_at_fc1(snap_compare, lang, tmp_path):
    """`tensortour module --file my_net.py:Net --input 3,32,32` on a file whose fc1 no longer fits: the calls that
    ran, the last one marked, and above them torch's words and the Linear that would fit."""
    path = tmp_path / "my_net.py"
    path.write_text(WRONG_IN_FEATURES)
    app = make_app(lang, "module", setup=ModuleSetup(model="file", own=OwnNet(FileSpec(str(path), "Net", (3, 32, 32)))))
    app.module_loader = InProcessLoader()

    async def loaded(pilot):
        for _ in range(200):
            failure = pilot.app.screen.query("#failure")
            if failure and "✗" in str(failure.first().render()):
                await pilot.press("end")
                return
            await pilot.pause(0.05)
        raise AssertionError("the file was never loaded")

    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)
