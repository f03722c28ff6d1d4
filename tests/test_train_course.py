"""`tensortour train --preset course`: the PyTorch CIFAR-10 tutorial's run, checked against the tutorial's own code.

The tutorial (engine/train/presets.py names the version followed) is written out
here as the reference: its `Net`, its loop (zero_grad, forward, CrossEntropyLoss,
backward, SGD step on batches of 4) and its two test loops with their f-strings.
Data is a tiny cifar-10-batches-py built in the test, never the real 50,000 images.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from course_net import CourseNet
from test_datasets import cifar_arrays
from test_train_cifar_pickle import write_pickled
from torch import nn

from engine.train.checkpoint import load_checkpoint
from engine.train.commands import run
from engine.train.data_files import CIFAR_PY_FOLDER
from engine.train.datasets import load_dataset
from engine.train.events import AccuracyEvent, TrainEvent
from engine.train.loop import Trainer
from engine.train.models import build_model
from engine.train.presets import PRESETS, preset_config
from tui.cli import main, parse_args
from tui.flags.train import config_from
from tui.text.train import accuracy_lines

CLASSES = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def tutorial_closing_lines(net: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> list[str]:
    """The tutorial's two test loops over a testloader of batch 4 (shuffle=False), and what they print."""
    correct, total = 0, 0
    correct_pred = {name: 0 for name in CLASSES}
    total_pred = {name: 0 for name in CLASSES}
    with torch.no_grad():
        for start in range(0, len(labels), 4):
            outputs = net(images[start : start + 4])
            _, predicted = torch.max(outputs.data, 1)
            batch = labels[start : start + 4]
            total += batch.size(0)
            correct += (predicted == batch).sum().item()
            for label, prediction in zip(batch, predicted):
                if label == prediction:
                    correct_pred[CLASSES[label]] += 1
                total_pred[CLASSES[label]] += 1
    lines = [f"Accuracy of the network on the {total} test images: {100 * correct // total} %"]
    for classname, correct_count in correct_pred.items():
        accuracy = 100 * float(correct_count) / total_pred[classname]
        lines.append(f"Accuracy for class: {classname:5s} is {accuracy:.1f} %")
    return lines


@pytest.fixture
def cifar_py(tmp_path):
    """A data dir holding cifar-10-batches-py: 5 × 6 training images, 20 test images, two of each class."""
    batches = cifar_arrays(seed=5, per_batch=6)
    rng = np.random.default_rng(6)
    batches["test_batch.bin"] = (rng.integers(0, 256, (20, 3, 32, 32), dtype=np.uint8), np.arange(20) % 10)
    write_pickled(tmp_path / "data" / CIFAR_PY_FOLDER, batches)
    return tmp_path / "data"


def test_the_preset_is_the_tutorials_run():
    config = preset_config("course")
    assert (config.dataset, config.model, config.optimizer, config.loss) == ("cifar10", "net", "sgd", "ce")
    assert (config.lr, config.momentum, config.batch_size, config.epochs, config.weight_decay) == (0.001, 0.9, 4, 2, 0)
    assert config.data_dir == "data" and config.threads == 1  # the tutorial's root='./data'; batches of 4 on one thread
    assert config_from(parse_args(["train", "--preset", "course"])) == config


def test_flags_given_change_the_preset_and_only_those():
    config = config_from(parse_args(["train", "--preset", "course", "--epochs", "1", "--batch-size", "32"]))
    assert config == preset_config("course").with_changes(epochs=1, batch_size=32)
    assert config_from(parse_args(["train", "--batch-size", "32"])).dataset == "spiral"  # no preset: the defaults
    assert set(PRESETS) == {"course"}


def test_the_net_is_the_tutorials_net_weight_for_weight():
    torch.manual_seed(7)
    ours = build_model(preset_config("course"), (3, 32, 32), 10)
    torch.manual_seed(7)
    theirs = CourseNet()
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(reference)  # conv1.weight … fc3.bias, in the tutorial's order
    assert all(torch.equal(mine[name], reference[name]) for name in mine)
    x = torch.randn(4, 3, 32, 32)
    assert torch.equal(ours(x), theirs(x)) and sum(p.numel() for p in ours.parameters()) == 62006


def test_training_takes_the_tutorials_steps_and_ends_with_its_closing_lines(cifar_py):
    config = preset_config("course").with_changes(data_dir=str(cifar_py), device="cpu", epochs=1)
    events: list[TrainEvent] = []
    trainer = Trainer(config, events.append, views=False)
    net = CourseNet()
    net.load_state_dict(trainer.model.state_dict())
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    trainer.train_batch()
    order = trainer._order.cpu()  # this epoch's shuffle: the tutorial's loop takes the same batches
    assert sorted(order.tolist()) == list(range(30)) and trainer.steps_per_epoch == 8
    assert run(trainer) == "done"
    for index in order.split(4):
        optimizer.zero_grad()
        loss = criterion(net(trainer.data.x_train[index]), trainer.data.y_train[index])
        loss.backward()
        optimizer.step()
    for (name, ours), theirs in zip(trainer.model.state_dict().items(), net.state_dict().values()):
        assert torch.equal(ours, theirs), name
    (accuracy,) = [event for event in events if isinstance(event, AccuracyEvent)]
    assert accuracy_lines(accuracy) == tutorial_closing_lines(net, trainer.data.x_test, trainer.data.y_test)
    assert accuracy.images == 20 and [row.total for row in accuracy.classes] == [2] * 10


def test_headless_course_prints_the_tutorials_closing_lines(cifar_py, tmp_path, capsys):
    """The whole command line in this process (test_cli_train.py runs the console script itself)."""
    run_dir = tmp_path / "run"
    args = ["train", "--headless", "--preset", "course", "--data-dir", str(cifar_py), "--device", "cpu"]
    assert main([*args, "--out", str(run_dir)]) == 0
    stdout = capsys.readouterr().out
    assert f"{cifar_py / CIFAR_PY_FOLDER}: torchvision's pickled batches" in stdout
    assert "epoch   2" in stdout and "62,006" in stdout
    saved = load_checkpoint(run_dir / "checkpoint.pt")
    assert (saved["epoch"], saved["config"]["batch_size"], saved["config"]["lr"]) == (2, 4, 0.001)
    net = CourseNet()
    net.load_state_dict(saved["model"])
    data = load_dataset(preset_config("course").with_changes(data_dir=str(cifar_py)))
    expected = tutorial_closing_lines(net, data.x_test, data.y_test)
    printed = stdout.splitlines()
    start = printed.index(expected[0])
    assert printed[start : start + 11] == expected
    assert all(re.fullmatch(r"Accuracy for class: [a-z ]{5} is \d+\.\d %", line) for line in expected[1:])
