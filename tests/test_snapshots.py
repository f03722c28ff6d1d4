"""Snapshots of each screen at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the SVGs under tests/__snapshots__/ before committing them.

The torch check runs in a child process and answers after a few seconds, so
here it is replaced by a fake that answers at once with a fixed verdict: the
verification line is then the same on every run.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified

from engine.conv_setup import ConvSetup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_screen(snap_compare, lang):
    assert snap_compare(make_app(lang), terminal_size=SIZE)


def test_conv_lesson_en(snap_compare):
    assert snap_compare(
        make_app("en", "conv", setup=ConvSetup()),
        terminal_size=SIZE,
        run_before=verified,
    )


def test_conv_lesson_zh(snap_compare):
    assert snap_compare(
        make_app("zh", "conv", setup=ConvSetup()),
        terminal_size=SIZE,
        run_before=verified,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_conv_digit_padded_im2col(snap_compare, lang):
    """`tensortour conv --input digit --padding 1`, then m for the im2col view."""
    app = make_app(lang, "conv", setup=ConvSetup(input_name="digit", padding=1))
    assert snap_compare(app, press=["m"], terminal_size=SIZE, run_before=verified)
