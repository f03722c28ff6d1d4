"""The training lesson's questions against what a run builds: the loaded training set, the torch model's
parameters, and the cross-entropy of a net that gives every class the same score."""

from __future__ import annotations

import math
from functools import cache

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.quiz import mark
from engine.train.config import TOY_DATASETS, TrainConfig
from engine.train.datasets import load_dataset
from engine.train.models import build_model
from engine.train_quiz import questions

SHAPES = {"shapes": (1, 32, 32), "digits": (1, 8, 8), "mnist": (1, 28, 28), "cifar10": (3, 32, 32)}


@cache
def train_count(dataset: str, train_split: float) -> int:
    return len(load_dataset(TrainConfig(dataset=dataset, train_split=train_split)).y_train)


@cache
def class_count(dataset: str) -> int:
    """As the run loads the set; MNIST and CIFAR-10 (files this machine may lack) have 10."""
    if dataset in ("mnist", "cifar10"):
        return 10
    return len(load_dataset(TrainConfig(dataset=dataset)).class_names)


def parameters(config: TrainConfig, classes: int) -> int:
    shape = (2,) if config.dataset in TOY_DATASETS else SHAPES[config.dataset]
    return sum(p.numel() for p in build_model(config, shape, classes).parameters())


def uniform_loss(classes: int) -> float:
    return float(F.cross_entropy(torch.zeros(1, classes), torch.tensor([0])))


def check(config: TrainConfig) -> set[str]:
    classes = class_count(config.dataset)
    asked = {question.id: question for question in questions(config)}
    if "batches" in asked:
        expected = math.ceil(train_count(config.dataset, config.train_split) / config.batch_size)
        assert mark(asked["batches"], str(expected)).correct and not mark(asked["batches"], str(expected + 1)).correct
    if "parameters" in asked:
        expected = parameters(config, classes)
        assert mark(asked["parameters"], f"{expected}").correct and not mark(asked["parameters"], "1").correct
    if "pooled_shape" in asked:
        x = torch.zeros(1, *SHAPES[config.dataset])
        pools = 0
        for layer in build_model(config, SHAPES[config.dataset], classes):
            x = layer(x)
            pools += isinstance(layer, torch.nn.MaxPool2d)
            if pools == 2:
                break
        typed = "x".join(map(str, x.shape[1:]))
        assert mark(asked["pooled_shape"], typed).correct and not mark(asked["pooled_shape"], "(400,)").correct
    if "first_loss" in asked:
        loss = asked["first_loss"]
        assert abs(loss.answer - uniform_loss(classes)) < 1e-6 and mark(loss, f"{uniform_loss(classes):.2f}").correct
    assert all(question.step in (0, 1) for question in asked.values())
    return set(asked)


ALL = {"batches", "parameters", "first_loss"}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (TrainConfig(), ALL),
        (TrainConfig(dataset="shapes", model="net"), ALL | {"pooled_shape"}),
        (TrainConfig(dataset="digits", hidden=(16,)), ALL),
        (TrainConfig(dataset="cifar10", model="net"), {"parameters", "pooled_shape", "first_loss"}),
        (TrainConfig(dataset="mnist", model="lenet5"), {"first_loss"}),
        (TrainConfig(dataset="moons", loss="mse"), {"batches", "parameters"}),
    ],
    ids=["default", "shapes-net", "digits", "course-cifar10-net", "mnist-lenet5", "mse"],
)
def test_the_presets_the_course_uses(config: TrainConfig, expected: set[str]) -> None:
    assert check(config) == expected


def test_the_course_net_on_cifar10_has_its_famous_62006() -> None:
    (parameters_question,) = [q for q in questions(TrainConfig(dataset="cifar10", model="net")) if q.id == "parameters"]
    assert parameters_question.answer == 62006


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    dataset=st.sampled_from(("circle", "spiral", "digits")),
    hidden=st.lists(st.integers(1, 64), min_size=1, max_size=3),
    batch_size=st.integers(1, 2000),
    train_split=st.sampled_from((0.1, 0.5, 0.8, 0.999)),
)
def test_any_mlp_run(dataset: str, hidden: list[int], batch_size: int, train_split: float) -> None:
    config = TrainConfig(dataset=dataset, hidden=tuple(hidden), batch_size=batch_size, train_split=train_split)
    assert check(config) == ALL
