"""The DataLoader's questions against torch's own DataLoader, iterated epoch by epoch."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader

from engine.data import DataSpec, data_trace
from engine.data_quiz import questions
from engine.quiz import AnswerError, asked_before, mark
from tui.i18n import t


def torch_epochs(spec: DataSpec) -> list[list[list[int]]]:
    """Every epoch's batches as torch's DataLoader yields them (num_workers=0: the same order as any)."""
    generator = torch.Generator().manual_seed(spec.seed)
    loader = DataLoader(
        range(spec.size),
        batch_size=spec.batch_size,
        shuffle=spec.shuffle,
        generator=generator if spec.shuffle else None,
        drop_last=spec.drop_last,
    )
    return [[batch.tolist() for batch in loader] for _ in range(spec.epochs)]


def check(spec: DataSpec) -> int:
    """Each question right by torch, marked right as typed and wrong otherwise; returns how many were asked."""
    epochs = torch_epochs(spec)
    per_epoch = max(len(epochs[0]), 1)
    asked = questions(spec, data_trace(spec))
    assert len(asked_before(asked, per_epoch * spec.epochs)) == len(asked)
    for question in asked:
        epoch, batch = divmod(question.step, per_epoch)
        if question.id.startswith("batches"):
            right, wrong = str(len(epochs[0])), str(len(epochs[0]) + 1)
        elif question.id.startswith("same_first"):
            same = epochs[1][0] == epochs[0][0]
            right, wrong = ("1", "2") if same else ("2", "1")
        else:
            count = len(epochs[epoch][batch])
            right, wrong = f"({count},)", f"({count}, 1)"
        assert mark(question, right).correct, (question, right)
        assert not mark(question, wrong).correct, (question, wrong)
        assert t(question.key, **question.params) and t(question.why_key, **question.params)
    return len(asked)


@pytest.mark.parametrize(
    "spec",
    [DataSpec(), DataSpec(drop_last=True), DataSpec(shuffle=False), DataSpec(size=12, batch_size=4, epochs=3)],
    ids=["default", "example-drop-last", "no-shuffle", "whole-batches"],
)
def test_the_default_and_the_examples_ask_three(spec: DataSpec) -> None:
    assert check(spec) >= 3


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    size=st.integers(1, 40),
    batch_size=st.integers(1, 12),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**32),
    drop_last=st.booleans(),
    epochs=st.integers(1, 3),
)
def test_any_loader(size: int, batch_size: int, shuffle: bool, seed: int, drop_last: bool, epochs: int) -> None:
    check(DataSpec(size, batch_size, shuffle, seed, drop_last, num_workers=0, epochs=epochs))


def test_a_loader_that_drops_every_sample_asks_nothing_it_cannot_show() -> None:
    spec = DataSpec(size=3, batch_size=4, drop_last=True)
    assert questions(spec, data_trace(spec)) == ()


def test_malformed_answers_are_refused() -> None:
    batches, same, shape = questions(DataSpec(), data_trace(DataSpec()))
    for question, typed in ((batches, "three"), (same, "yes"), (shape, "two")):
        with pytest.raises(AnswerError):
            mark(question, typed)
