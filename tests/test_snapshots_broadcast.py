"""Snapshots of the broadcasting lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_broadcast.py --snapshot-update` and look at the SVGs
under tests/__snapshots__/test_snapshots_broadcast/ before committing them.
The lesson checks itself against NumPy in-process, so nothing here waits.
"""

from __future__ import annotations

import pytest
from pilot_support import FakeVerifier

from engine.broadcast_setup import BroadcastSetup
from tui.app import TensorTourApp
from tui.i18n import set_language

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def english_afterwards():
    """The app sets the catalogue's language for the whole process; leave it as other tests expect."""
    yield
    set_language("en")


def make_app(lang: str, setup: BroadcastSetup) -> TensorTourApp:
    app = TensorTourApp(lang=lang, lesson="broadcast", setup=setup)
    app.verifier = FakeVerifier()
    return app


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_broadcast_column_plus_row_while_a_is_stretched(snap_compare, lang):
    """`tensortour broadcast 3,1 4`, five steps on: rule 5 copies a's column."""
    assert snap_compare(make_app(lang, BroadcastSetup()), press=["right"] * 5, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_broadcast_mismatch_at_the_failing_axis(snap_compare, lang):
    """`tensortour broadcast 3,4 5`, at the last step: NumPy's and torch's messages."""
    assert snap_compare(make_app(lang, BroadcastSetup("mismatch")), press=["end"], terminal_size=SIZE)
