"""Snapshots of the matrix shapes lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_matmul.py --snapshot-update` and look at the SVGs
under tests/__snapshots__/test_snapshots_matmul/ before committing them.
The lesson checks nothing in a child process, so no verifier is involved.
"""

from __future__ import annotations

import pytest

from engine.matmul_spec import MatmulSpec
from tui.app import TensorTourApp
from tui.i18n import set_language

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def english_afterwards():
    """The app sets the catalogue's language for the whole process; leave it as other tests expect."""
    yield
    set_language("en")


def make_app(lang: str, spec: MatmulSpec) -> TensorTourApp:
    return TensorTourApp(lang=lang, lesson="matmul", setup=spec)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_matmul_first_rule(snap_compare, lang):
    """`tensortour matmul 2,3 3,4`: the inner sizes checked, A still empty."""
    assert snap_compare(make_app(lang, MatmulSpec()), terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_matmul_dot_product(snap_compare, lang):
    """Nine steps on: A[1,2] = 4×0.5 + 5×(-1) + 6×2 + (-1), its row, column and bias marked."""
    assert snap_compare(make_app(lang, MatmulSpec()), press=["right"] * 9, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_matmul_mismatch(snap_compare, lang):
    """(2, 3)·(4, 5): the failing inner sizes and both libraries' messages."""
    assert snap_compare(make_app(lang, MatmulSpec().with_example("mismatch")), terminal_size=SIZE)
