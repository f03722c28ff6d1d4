"""Every part of a checkpoint checked against the run it is to continue, before any of it is used.

A file that torch loads safely can still hold anything a pickle of plain data can
say: settings no run can have, weights of another model, RNG states of the wrong
type, an optimizer without its moments, a history of strings, a batch position
past the end of the data. Each is one refusal that names the part, what it
should be and what it is (technical words such as `uint8[5056]` read the same in
every language), never a traceback from deep inside torch, and never a run that
quietly trains on from nonsense.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import torch

from engine.errors import SpecError
from engine.train.config import TrainConfig

METRIC_KEYS = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "samples_per_s", "elapsed_s", "lr")
PARTIAL_NUMBERS = ("loss_sum", "train_time", "elapsed_s")
PARTIAL_COUNTS = ("correct", "seen", "targets")
ADAM_STATE = ("step", "exp_avg", "exp_avg_sq")


def resumed_config(saved: dict, path: Path, changes: Mapping[str, object]) -> TrainConfig:
    """The checkpoint's settings with the allowed `changes`, its position and history checked against them."""
    try:
        config = TrainConfig.from_json({**saved["config"], **changes})
    except SpecError as error:
        raise _setting_refused(error, path) from None
    epoch = saved["epoch"]
    _check_count(epoch, "epoch", path, high=None if "epochs" in changes else config.epochs)
    _check_count(saved["step"], "step", path)
    if epoch >= config.epochs:
        code = "train_resume_epochs" if "epochs" in changes else "train_resume_finished"
        raise SpecError(code, path=str(path), done=epoch, epochs=config.epochs)
    _check_history(saved["history"], epoch, path)
    _check_partial(saved.get("partial", {}), path)
    _check_rng(saved["rng"], path)
    return config


def check_state(saved: dict, path: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, steps: int) -> None:
    """The parts only the built run can judge: the batch position, the weights, the optimizer's state."""
    _check_count(saved["step"], "step", path, high=steps - 1)
    _check_weights(saved["model"], model.state_dict(), path)
    _check_optimizer(saved["optimizer"], optimizer, model, path)


def refuse(path: Path, part: str, expected: str, value: object) -> SpecError:
    return SpecError("checkpoint_bad_part", path=str(path), part=part, expected=expected, found=describe(value))


def describe(value: object) -> str:
    """A short technical picture of a value: float32[8, 2], dict, list[3], 'abc', 2.5."""
    if isinstance(value, torch.Tensor):
        return f"{str(value.dtype).removeprefix('torch.')}[{', '.join(map(str, value.shape))}]"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[{len(value)}]"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _setting_refused(error: SpecError, path: Path) -> SpecError:
    """A setting no run can have, named by its field; a thread count from a larger machine says how to resume here."""
    params = error.params
    what = params.get("what") or ("hidden" if error.code == "train_hidden" else "model")
    value = params.get("value", f"{params.get('model')} + {params.get('dataset')}")
    if error.code == "train_threads":
        return SpecError("checkpoint_bad_threads", path=str(path), value=value, high=params["high"])
    return SpecError("checkpoint_bad_setting", path=str(path), what=what, value=value)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(saved: object, fresh: object) -> bool:
    """Plain values compared as Python does (0 == 0.0); a tensor or anything exotic where a setting belongs is not equal."""
    plain = (bool, int, float, str, tuple, list, type(None))
    if not isinstance(saved, plain) or isinstance(saved, bool) != isinstance(fresh, bool):
        return False
    try:
        return bool(saved == fresh)
    except (TypeError, ValueError, RuntimeError):
        return False


def _check_count(value: object, part: str, path: Path, high: int | None = None) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or (high is not None and value > high):
        raise refuse(path, part, f"int 0…{high if high is not None else '∞'}", value)


def _check_history(history: list, epochs: int, path: Path) -> None:
    """One dict of numbers per finished epoch, numbered 1, 2, …"""
    if len(history) != epochs:
        raise refuse(path, "history", f"list[{epochs}]", history)
    for index, metrics in enumerate(history):
        part = f"history[{index}]"
        if not isinstance(metrics, dict):
            raise refuse(path, part, "dict", metrics)
        for key in METRIC_KEYS:
            if key not in metrics:
                raise SpecError("checkpoint_missing_keys", path=str(path), keys=f"{part}.{key}")
            if not _number(metrics[key]):
                raise refuse(path, f"{part}.{key}", "float", metrics[key])
        if metrics["epoch"] != index + 1:
            raise refuse(path, f"{part}.epoch", str(index + 1), metrics["epoch"])


def _check_partial(partial: object, path: Path) -> None:
    """The running totals of an epoch stopped half way: finite sums and whole counts, none negative."""
    if not isinstance(partial, dict):
        raise refuse(path, "partial", "dict", partial)
    for key in PARTIAL_NUMBERS + PARTIAL_COUNTS:
        value = partial.get(key, 0)
        whole = key in PARTIAL_COUNTS
        fine = (isinstance(value, int) if whole else _number(value)) and not isinstance(value, bool)
        if not fine or not 0 <= value < math.inf:
            raise refuse(path, f"partial.{key}", "int ≥ 0" if whole else "float ≥ 0", value)


def _check_rng(rng: dict, path: Path) -> None:
    """Both generators' states: byte tensors of the CPU generator's size that a generator accepts."""
    missing = [f"rng.{key}" for key in ("generator", "torch") if key not in rng]
    if missing:
        raise SpecError("checkpoint_missing_keys", path=str(path), keys=", ".join(missing))
    reference = torch.get_rng_state()
    expected = f"uint8[{reference.numel()}]"
    for key in ("generator", "torch"):
        state = rng[key]
        if not isinstance(state, torch.Tensor) or state.dtype != torch.uint8 or state.shape != reference.shape:
            raise refuse(path, f"rng.{key}", expected, state)
        try:
            torch.Generator().set_state(state)
        except RuntimeError as error:
            raise SpecError("checkpoint_bad_rng", str(error), path=str(path), part=f"rng.{key}") from None


def _check_weights(saved: dict, expected: dict, path: Path) -> None:
    """The same names, shapes and floating dtypes as the model its settings build."""
    missing = [f"model.{name}" for name in expected if name not in saved]
    if missing:
        shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
        raise SpecError("checkpoint_weights_missing", path=str(path), part=shown)
    extra = [f"model.{name}" for name in saved if name not in expected]
    if extra:
        raise SpecError("checkpoint_weights_extra", path=str(path), part=", ".join(map(str, extra[:3])))
    for name, tensor in expected.items():
        value = saved[name]
        fits = isinstance(value, torch.Tensor) and value.shape == tensor.shape and value.dtype == tensor.dtype
        if not fits:
            raise SpecError(
                "checkpoint_weights_mismatch",
                path=str(path),
                part=f"model.{name}",
                expected=describe(tensor),
                found=describe(value),
            )


def _check_optimizer(saved: dict, optimizer: torch.optim.Optimizer, model: torch.nn.Module, path: Path) -> None:
    """The fresh optimizer's groups and settings (only the learning rate may differ: [ and ] change it), and
    moments shaped like the parameters they belong to."""
    missing = [f"optimizer.{key}" for key in ("state", "param_groups") if key not in saved]
    if missing:
        raise SpecError("checkpoint_missing_keys", path=str(path), keys=", ".join(missing))
    fresh = optimizer.state_dict()
    groups, state = saved["param_groups"], saved["state"]
    if not isinstance(groups, list) or len(groups) != len(fresh["param_groups"]):
        raise refuse(path, "optimizer.param_groups", f"list[{len(fresh['param_groups'])}]", groups)
    for index, (group, reference) in enumerate(zip(groups, fresh["param_groups"])):
        part = f"optimizer.param_groups[{index}]"
        if not isinstance(group, dict):
            raise refuse(path, part, "dict", group)
        lr = group.get("lr")
        if not _number(lr) or not 0 < lr < math.inf:
            raise refuse(path, f"{part}.lr", "float > 0", lr)
        for key, value in reference.items():
            if key != "lr" and key in group and not _equal(group[key], value):
                raise refuse(path, f"{part}.{key}", describe(value), group[key])
    if not isinstance(state, dict):
        raise refuse(path, "optimizer.state", "dict", state)
    shapes = [parameter.shape for parameter in model.parameters()]
    adam = isinstance(optimizer, torch.optim.Adam)
    for key, entry in state.items():
        part = f"optimizer.state.{key}"
        if not isinstance(key, int) or isinstance(key, bool) or not 0 <= key < len(shapes):
            raise refuse(path, "optimizer.state", f"int 0…{len(shapes) - 1} keys", key)
        if not isinstance(entry, dict):
            raise refuse(path, part, "dict", entry)
        if adam and entry:
            absent = [f"{part}.{name}" for name in ADAM_STATE if name not in entry]
            if absent:
                raise SpecError("checkpoint_missing_keys", path=str(path), keys=", ".join(absent))
        for name, value in entry.items():
            _check_moment(value, shapes[key], f"{part}.{name}", path)


def _check_moment(value: object, shape: torch.Size, part: str, path: Path) -> None:
    """A moment has its parameter's shape; a step count is one finite number ≥ 0."""
    if part.endswith(".step"):
        number = value.item() if isinstance(value, torch.Tensor) and value.numel() == 1 else value
        if not _number(number) or not 0 <= number < math.inf:
            raise refuse(path, part, "float ≥ 0", value)
        return
    if value is None and part.endswith(".momentum_buffer"):
        return
    if not isinstance(value, torch.Tensor) or not value.is_floating_point() or value.shape != shape:
        raise refuse(path, part, describe(torch.empty(shape)), value)
