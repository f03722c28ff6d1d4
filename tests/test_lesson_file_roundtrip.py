"""Save → open gives the identical setup, for every lesson in the registry.

Two kinds of setups go round: those the command line makes (Hypothesis draws
flags from each lesson's own parser) and those the screen's keys make (the
engine methods the keys call, drawn in random order). `same` compares every
field, arrays by value; SAVED names, per lesson, the only parts a file does not
hold, and why.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.autograd_presets import AutogradSpec
from engine.conv_setup import CUSTOM as CONV_CUSTOM
from engine.errors import SpecError
from engine.module_simple import SimpleConvSpec, stepped
from engine.pool_setup import CUSTOM as POOL_CUSTOM
from engine.presets import INPUTS
from engine.train.config import TrainConfig
from engine.train.setup import TrainSetup
from tui.lesson_file import LessonFileError, _Refused, argv_from_table, file_actions, parse_lesson_file, setup_of
from tui.lesson_file_text import lesson_file_text
from tui.lessons import LESSONS, lesson_flags
from tui.lessons import lesson as registered

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)


def same(a: object, b: object) -> bool:
    """Equal field by field: arrays by shape and value, floats and Decimals by value and type."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        fields = dataclasses.fields(a)
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name)) for f in fields)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, tuple | list):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


AUTOGRAD_INPUTS = {
    "apples": ("apple", "count", "tax"),
    "twolayer": ("x", "target"),
    "vector": ("x", "gradient"),
    **{preset: ("x",) for preset in ("course", "nograd", "twice")},
}


def _unnamed_random(name: str, custom: str) -> str:
    return custom if name.startswith("random") else name


SAVED = {
    # a random input is saved as its numbers, under the name a typed matrix has; a bias typed for more
    # output channels than are shown is saved as the one computed with
    "conv": lambda s: replace(
        s,
        input_name=_unnamed_random(s.input_name, CONV_CUSTOM),
        bias=tuple(map(float, s.spec().bias)) if s.bias else (),
    ),
    "pool": lambda s: replace(s, input_name=_unnamed_random(s.input_name, POOL_CUSTOM)),
    # a graph's own inputs (the flags take another preset's, unused; p starts each preset afresh)
    "autograd": lambda s: AutogradSpec(s.preset, **{name: getattr(s, name) for name in AUTOGRAD_INPUTS[s.preset]}),
    # only the network shown: the flags refuse the other one's settings beside it
    "module": lambda s: replace(s, simple=SimpleConvSpec()) if s.model == "net" else replace(s, batch=4),
    # where checkpoints go is the command line's to say, never a file's
    "train": lambda s: replace(s, out=None),
}


def round_trip(lesson: str, setup: object) -> None:
    flags = lesson_flags(lesson).flags_of(setup)
    opened = parse_lesson_file(lesson_file_text(lesson, flags).encode(), f"{lesson}.toml")
    kept = SAVED.get(lesson, lambda s: s)
    assert opened.lesson == lesson and same(opened.setup, kept(setup)), (flags, opened.setup, setup)
    assert lesson_flags(lesson).flags_of(opened.setup) == flags


# Setups the command line makes ---------------------------------------------------------

TEXTS = {
    "conv": {"input": ["digit", "checker", "1 2 3; 4 5 6; 7 8 9", "-1.5 0; 0 2"], "kernel": ["box", "1 0; 0 -1"]},
    "conv_more": {"bias": ["1", "0.5 -1"]},
    "pool": {"input": ["digit", "ramp", "1 -2 3 4; 5 6 7 8; 9 10 11 12; 13 14 15 16"]},
    "perceptron": {"w1": ["0.5", "-1.25", "3"], "w2": ["1", "0.1"], "b": ["-0.7", "0"]},
    "activations": {"vector": ["0.3 2.9 4.0", "1 -1", "0 0 0 0 5"]},
    "broadcast": {"shapes": ["3,1", "4", "()", "2,3", "8,1,6,1"]},
    "matmul": {"shapes": ["2,3", "3,4", "3", "2,3,4", "()"], "x": ["1 2 3; 4 5 6"], "w": ["1 0; 0 1; 1 1"]},
    "index": {"expression": ["a[1:, 1:]", "a[::-1]", "a[a > 2]", "a[[0, 1], [1, 0]]"], "array": ["1 2; 3 4", "5 6 7"]},
    "loss": {"y": ["0.1 0.05 0.6 0 0.05 0.1 0 0.1 0 0", "0.5 0.5 0 0 0 0 0 0 0 0"]},
    "autograd": {"x": ["1 2; 3 4", "0.6 -0.9"], "apple": ["150"], "count": ["3"], "tax": ["1.2"], "class": ["1"]},
    "rnn": {"sequence": ["mix", "1 0; 0 1", "0.5; -1; 2"]},
    "tensor": {"shape": ["2,3,4", "6", "2,2"], "view": ["-1,6", "3,-1", "4,6"], "transpose": ["0,1", "1,2"]},
    "tensor_more": {"seed": ["0", "7"]},
    "module": {"input-dim": ["1,28,28", "3,32,32"], "weight-init-std": ["0.01", "0.5"]},
    "optim": {"start": ["-7,2", "3,-1"]},
    "data": {"pixel": ["255 0 128", "0 0 0"]},
    "train": {"hidden": ["32,32", "8"], "data-dir": ["data"]},
}


def _samples(lesson: str, key: str) -> list[str]:
    spelled = key.replace("_", "-")
    return [*TEXTS.get(lesson, {}).get(spelled, []), *TEXTS.get(f"{lesson}_more", {}).get(spelled, [])]


def _value(lesson: str, key: str, action: argparse.Action) -> st.SearchStrategy | None:
    """A strategy for one flag's file value, or None for a text flag with no samples."""
    if action.choices is not None:
        one = st.sampled_from([str(choice) if action.type is None else choice for choice in action.choices])
    elif action.nargs == 0 or isinstance(action, argparse.BooleanOptionalAction):
        return st.booleans()
    elif action.type is int:
        one = st.integers(-1, 6)
    elif action.type is float:
        one = st.sampled_from([0.01, 0.1, 0.3, 0.9, 1.5, 0.0])
    elif _samples(lesson, key):
        one = st.sampled_from(_samples(lesson, key))
    else:
        return None
    if isinstance(action, argparse._AppendAction) or action.nargs in ("*", "+"):
        return st.lists(one, min_size=1, max_size=4)
    return one


@st.composite
def flags_for(draw, lesson: str) -> dict[str, object]:
    chosen = {}
    for key, action in file_actions(lesson).items():
        strategy = _value(lesson, key, action)
        if strategy is not None and draw(st.booleans()):
            chosen[key.replace("_", "-")] = draw(strategy)
    return chosen


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_setup_from_any_flags_comes_back_from_its_file(lesson):
    @FAST
    @given(flags_for(lesson))
    def check(flags):
        try:
            setup = setup_of(lesson, argv_from_table(lesson, flags))
        except (SpecError, _Refused):
            return
        round_trip(lesson, setup)

    check()


# Setups the keys make --------------------------------------------------------------------

KEYS = {
    "perceptron": [lambda s: s.with_step("w1", 1), lambda s: s.with_step("b", -3), lambda s: s.with_gate("xor2")],
    "activations": [
        lambda s: replace(s, seed=s.seed + 1, collapse=True),
        lambda s: replace(s, spec=replace(s.spec, function="softmax", vector=(1.0, -2.5, 1e-9))),
    ],
    "broadcast": [
        lambda s: s.with_next_op(),
        lambda s: s.with_shapes(((2, 3), (3,), ())),
        lambda s: s.with_next_example(),
    ],
    "matmul": [
        lambda s: s.with_random(5),
        lambda s: s.with_bias(False),
        lambda s: s.with_next_example(),
        lambda s: s.with_typed((2, 2), (2, 1), "1 2; 3 4", "", ""),
        lambda s: s.with_typed(s.x_shape, s.w_shape, s.values_text("x"), s.values_text("w"), ""),
    ],
    "index": [
        lambda s: s.with_array_text("1 2 3;"),
        lambda s: s.with_array_text("4 5 6"),
        lambda s: s.with_next_example(),
    ],
    "loss": [lambda s: replace(s, target=(s.target + 1) % 10), lambda s: replace(s, y=(0.25,) * 4 + (0.0,) * 6)],
    "autograd": [
        lambda s: s.__class__(preset="vector", gradient=np.array([[1.0, 2.0], [0.5, 0.25]])),
        lambda s: s.__class__(preset="twolayer", x=np.array([0.1, 0.2]), target=0),
        lambda s: s.__class__(preset="apples", apple=120.5, count=3.0, tax=1.08),
    ],
    "conv": [
        lambda s: s.with_random_input(3),
        lambda s: s.with_next_kernel(),
        lambda s: s.with_kernel_size(s.kernel_size + 1),
        lambda s: s.with_custom(s.base_input, np.array([[1.0, -1.0], [0.5, 2.0]]), (1.0,) * s.out_channels),
        lambda s: replace(s, out_channels=s.out_channels % 4 + 1),
        lambda s: replace(s, padding=s.padding + 1, stride=2, dilation=2, in_channels=3),
    ],
    "pool": [
        lambda s: s.with_random_input(7),
        lambda s: s.with_next_mode(),
        lambda s: s.with_stride_step(1),
        lambda s: replace(s, shift=-2, padding=1),
        lambda s: s.with_input(np.arange(16.0).reshape(4, 4) - 3),
    ],
    "arch": [lambda s: s.with_network(1), lambda s: replace(s, size=64)],
    "rnn": [lambda s: s.with_next_seed(), lambda s: s.with_hidden_step(1), lambda s: s.with_sequence(np.eye(3) / 3)],
    "tensor": [lambda s: s.with_next_view(), lambda s: s.with_transpose_toggled(), lambda s: s.with_next_preset()],
    "module": [
        lambda s: s.cycled("grad", ("fresh", "backward", "zero_grad", "zeros")),
        lambda s: s.cycled("model", ("net", "simple")),
        lambda s: replace(s, batch=s.batch + 1),
        lambda s: replace(s, simple=stepped(s.simple, "filter_num", 1)[0]),
        lambda s: replace(s, simple=replace(s.simple, weight_init_std=0.25, input_dim=(3, 32, 32))),
    ],
    "optim": [
        lambda s: s.with_lr_step(1, 1),
        lambda s: s.with_momentum_step(1, -1),
        lambda s: s.with_loop_lr_step(1),
        lambda s: s.with_zero_grad_toggled().with_page(),
        lambda s: s.with_surface_step(1),
        lambda s: s.with_texts("momentum 0.1 0.5, adam, momentum 0.05 0.99", "1.5, -2", "12"),
        lambda s: s.with_loop_texts("0.1", "7"),
    ],
    "data": [
        lambda s: replace(s, shuffle=not s.shuffle, seed=s.seed + 1),
        lambda s: replace(s, drop_last=True, batch_size=3, num_workers=0),
        lambda s: replace(s, normalize="imagenet", pixel=(1, 2, 3), epochs=1, size=7),
    ],
    "train": [
        lambda s: replace(s, config=TrainConfig(dataset="digits", model="cnn", optimizer="sgd", lr=0.05, epochs=3)),
        lambda s: replace(s, config=s.config.with_changes(hidden=(16,), noise=0.3, weight_decay=1e-4), start=True),
        lambda s: replace(s, out="runs/x"),
    ],
}


def lesson_text(lesson: str):
    return registered(lesson).text


def test_every_lesson_has_keys_to_walk():
    assert set(KEYS) == set(LESSONS)


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_setup_the_keys_reach_comes_back_from_its_file(lesson):
    start = setup_of(lesson, []) if lesson != "train" else TrainSetup()

    @settings(max_examples=40, deadline=None, derandomize=True, database=None)
    @given(st.lists(st.sampled_from(KEYS[lesson]), max_size=6))
    def check(keys):
        setup = start
        for key in keys:
            try:  # a key's setup is refused where its trace cannot be computed; plain() computes it (train: torch)
                changed = key(setup)
                if lesson != "train":
                    lesson_text(lesson).plain(changed)
            except SpecError:
                continue
            setup = changed
        round_trip(lesson, setup)

    check()


def test_input_presets_stay_named():
    """A preset input is saved by name, so the status line says `digit`, not `custom`, after opening."""
    for name in INPUTS:
        setup = setup_of("conv", [f"--input={name}"])
        assert lesson_flags("conv").flags_of(setup)["input"] == name


def test_the_file_of_a_typed_matrix_is_readable_and_exact():
    setup = setup_of("conv", ["--input=0.1 0.2; 0.3 1e-7", "--kernel=1"])
    text = lesson_file_text("conv", lesson_flags("conv").flags_of(setup))
    assert 'input = "0.1 0.2; 0.3 1e-07"' in text
    with pytest.raises(LessonFileError):
        parse_lesson_file(text.replace("1e-07", "x").encode(), "conv.toml")
