"""`tensortour tensor` run as a student would: --plain checked against torch; torch's refusals are lessons (exit 0),
malformed text and the screen's bounds exit 2."""

from __future__ import annotations

import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from tensor_cases import setups
from test_cli import tensortour

from engine.errors import SpecError
from engine.tensor_spec import TOPICS, TensorSpec
from tui.cli import main, parse_args
from tui.flags.tensor import setup_from
from tui.i18n import LANGUAGES, error_text, set_language
from tui.text.tensor import plain


def test_plain_shows_the_view_cell_by_cell_with_torchs_storage_indices():
    run = tensortour("tensor", "--plain", "--shape", "2,3,4", "--view", "-1,6")
    assert run.returncode == 0, run.stderr
    x = torch.arange(24).view(2, 3, 4)
    y = x.view(-1, 6)
    cells = re.findall(r"y\[(\d+), (\d+)\] = storage\[0 \+ (\d+)·(\d+) \+ (\d+)·(\d+)\] = storage\[(\d+)\]", run.stdout)
    assert len(cells) == y.numel()
    for i, j, i_again, s0, j_again, s1, position in cells:
        assert (i, j) == (i_again, j_again) and (int(s0), int(s1)) == y.stride()
        assert int(position) == y[int(i), int(j)].item()  # x is arange: its number is its storage index
    assert "y = x.view(-1, 6)" in run.stdout and "(4, 6)" in run.stdout


@pytest.mark.parametrize(
    "args, make",
    [
        (["--view", "5,-1"], lambda x: x.view(5, -1)),
        (["--view", "-1,6", "--transpose"], lambda x: x.transpose(0, 1).view(-1, 6)),
        (["--view", "-1,-1"], lambda x: x.view(-1, -1)),
    ],
    ids=["size", "stride", "two inferred"],
)
def test_an_impossible_view_is_a_lesson_quoting_torch(args, make, capsys):
    """In-process (the subprocess runs are above and below): exit 0, torch's words, then x's own cells."""
    with pytest.raises(RuntimeError) as caught:
        make(torch.arange(24).view(2, 3, 4))
    assert main(["tensor", "--plain", "--shape", "2,3,4", *args]) == 0
    out = capsys.readouterr()
    assert out.err == "" and f"✗ RuntimeError: {caught.value}" in out.out
    assert re.search(r"24/24  x\[\d, \d, \d\] = storage", out.out)


@settings(max_examples=60, deadline=None)
@given(setups(), st.sampled_from(TOPICS), st.sampled_from(LANGUAGES))
def test_every_topic_has_words_for_every_setup(setup, topic, lang):
    """Each step's sentences exist for any shape, transpose and view (a missing fact or key would raise)."""
    shape, transpose, requested = setup
    set_language(lang)
    text = plain(TensorSpec(topic, shape, tuple(map(str, requested)), transpose))
    assert "{" not in text and len(text.splitlines()) > 5


def test_reshape_topic_copies_what_view_refuses(capsys):
    assert main(["tensor", "--plain", "--topic", "reshape", "--shape", "3,4", "--transpose", "--view", "12"]) == 0
    copied = re.findall(
        r"copy\[(\d+)\] ← x\[\d+, \d+\] = storage\[[^\]]*\] = storage\[(\d+)\]", capsys.readouterr().out
    )
    expected = torch.arange(12).view(3, 4).t().reshape(12).tolist()
    assert [int(source) for _, source in copied] == expected


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "tensor", "--plain", "--topic", "numpy")
    assert run.returncode == 0, run.stderr
    assert "第 1/9 步" in run.stdout and "与 NumPy 互通" in run.stdout and "a, b 的存储" in run.stdout


SPEC_ERRORS = {
    "letters": ["--shape", "2,x"],
    "empty view": ["--view", ""],
    "five dims": ["--shape", "1,1,1,1,2"],
    "too many elements": ["--shape", "8,9"],
    "size 0": ["--shape", "2,0"],
    "view with a point": ["--view", "-1,2.5"],
    "transpose out of range": ["--shape", "2,3", "--transpose", "0,2"],
    "seed": ["--seed", "-3"],
}


@pytest.mark.parametrize("args", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_malformed_text_and_the_bounds_exit_2_with_the_lessons_message(args):
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["tensor", *args]))
    assert "Traceback" not in error_text(caught.value)
    if args[0] == "--shape" and args[1] == "8,9":
        assert "64" in error_text(caught.value)  # the bound is said


def test_a_bound_exits_2_in_a_subprocess_and_says_the_bound():
    run = tensortour("tensor", "--plain", "--shape", "8,9")
    assert (run.returncode, run.stdout) == (2, "")
    assert "72" in run.stderr and "64" in run.stderr and "Traceback" not in run.stderr
