"""Snapshots of the indexing lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_index.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

import pytest

from engine.index_setup import IndexSetup
from tui.app import TensorTourApp
from tui.i18n import set_language

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def english_afterwards():
    """The app sets the catalogue's language for the whole process; leave it as other tests expect."""
    yield
    set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_index_integer_arrays_second_pair(snap_compare, lang):
    """`tensortour index "a[[0, 1, 2], [0, 1, 0]]"`, stepped to the pair (1, 1)."""
    app = TensorTourApp(
        lang=lang,
        lesson="index",
        setup=IndexSetup(expression="a[[0, 1, 2], [0, 1, 0]]"),
    )
    assert snap_compare(app, press=["right", "right"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_index_mask_overview(snap_compare, lang):
    """`tensortour index "a[a > 2]"`: the mask as True/False, the True cells marked."""
    app = TensorTourApp(lang=lang, lesson="index", setup=IndexSetup(expression="a[a > 2]"))
    assert snap_compare(app, terminal_size=SIZE)
