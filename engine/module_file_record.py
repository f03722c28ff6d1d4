"""A forward() recorded call by call: every module and every torch function it runs, with shapes, counts and lines.

Runs in the child process only (it imports torch). Global forward hooks see
every module call; a TorchFunctionMode sees every torch function a forward()
calls itself (x.view, torch.flatten, F.relu, +). A module call in which no
other module was called becomes one row, whatever it computes inside (a
Conv2d, an RNN, a MultiheadAttention that calls F.multi_head_attention_forward);
a module that calls others (the student's Net, a Sequential, a residual block)
is a container: its own function calls become rows of their own. So every
multiply-add lands in exactly one row, and every parameter is counted once, by
the first row that used it. Multiply-adds are torch's own count:
FlopCounterMode's FLOPs, halved (one multiply-add is two FLOPs).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook
from torch.overrides import TorchFunctionMode
from torch.utils.flop_counter import FlopCounterMode

MAX_ROWS = 100_000  # a forward() that loops makes a row a call: beyond this many they are counted, not kept
FACTS = (
    "in_features",
    "out_features",
    "in_channels",
    "out_channels",
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "groups",
    "num_features",
    "normalized_shape",
    "input_size",
    "hidden_size",
    "num_embeddings",
    "embedding_dim",
    "bias",
)
_F_NAMES = {id(value): name for name, value in vars(F).items() if callable(value) and not name.startswith("_")}


def shapes(value: object) -> list[list[int]]:
    """Every tensor in a call's arguments or result, in order, as a list of sizes."""
    if isinstance(value, torch.Tensor):
        return [list(value.shape)]
    if isinstance(value, (tuple, list)):
        return [shape for item in value for shape in shapes(item)]
    if isinstance(value, dict):
        return [shape for item in value.values() for shape in shapes(item)]
    return []


def facts(module: nn.Module) -> dict:
    """The sizes a module was built with, where it has them: what the hints for a mismatch are made of."""
    found = {}
    for name in FACTS:
        value = getattr(module, name, None)
        if name == "bias":
            value = value is not None if isinstance(value, (torch.Tensor, type(None))) else value
        if isinstance(value, (int, bool)) or (isinstance(value, tuple) and all(isinstance(v, int) for v in value)):
            found[name] = list(value) if isinstance(value, tuple) else value
    return found


def function_label(func) -> str:
    """How the student wrote it: `F.relu`, `torch.flatten`, `.view` (a tensor's method)."""
    name = getattr(func, "__name__", str(func))
    if id(func) in _F_NAMES:
        return f"F.{_F_NAMES[id(func)]}"
    qualified = getattr(func, "__qualname__", "")
    if qualified.startswith(("TensorBase.", "Tensor.")):
        return f".{name}"
    return f"torch.{name}"


DEVICE_MOVES = ("to", "cuda", "cpu")


def stay_on_meta(func, args: tuple, kwargs: dict):
    """`func(*args, **kwargs)`; but `.to("cuda")`, `.cuda()` or `.cpu()` of a meta tensor, which has no numbers to
    copy, gives the same tensor (in the dtype asked for): a shape does not depend on the device, and a student's
    `self.to(device)` should not stop the table."""
    try:
        return func(*args, **kwargs)
    except (NotImplementedError, RuntimeError, AssertionError):
        tensor = args[0] if args else None
        if getattr(func, "__name__", "") not in DEVICE_MOVES or not isinstance(tensor, torch.Tensor):
            raise
        if not tensor.is_meta:
            raise
        dtype = kwargs.get("dtype") or next((arg for arg in args[1:] if isinstance(arg, torch.dtype)), None)
        return tensor if dtype is None else tensor.to(dtype=dtype)


class MetaStays(TorchFunctionMode):
    """While the student's constructor runs: device moves of meta tensors keep them where they are."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        return stay_on_meta(func, args, kwargs or {})


def student_place(filename: str) -> tuple[int | None, list[int] | None]:
    """The line (and columns of the call, as UTF-8 offsets) in the student's file that is running now."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != filename:
        frame = frame.f_back
    if frame is None:
        return None, None
    position = next(islice(frame.f_code.co_positions(), frame.f_lasti // 2, None), None)
    if position and position[0] == position[1] == frame.f_lineno and None not in position[2:]:
        return frame.f_lineno, [position[2], position[3]]
    return frame.f_lineno, None


@dataclass
class Running:
    """A module call in progress: where its rows start, the count of multiply-adds so far, whether it called another."""

    module: nn.Module
    path: str
    start: int
    flops: int
    inputs: list
    line: int | None
    span: list[int] | None
    called_another: bool = False


class Recorder(TorchFunctionMode):
    """Use as `with recorder.hooked(), recorder:` around one forward(); read `rows` afterwards (or after it failed).

    `defined` maps a module's id to the line of the student's file that built it.
    """

    def __init__(self, model: nn.Module, filename: str, counter: FlopCounterMode, defined: dict[int, int]) -> None:
        super().__init__()
        self.model, self.filename, self.counter, self.defined = model, filename, counter, defined
        self.paths = {id(module): name for name, module in model.named_modules()}
        self.rows: list[dict] = []
        self.running: list[Running] = []
        self.failed_function: dict | None = None
        self.truncated = 0
        self.seen: set[int] = set()

    def _flops(self) -> int:
        return self.counter.get_total_flops()

    @contextmanager
    def hooked(self) -> Iterator[None]:
        """The global hooks, removed on exit: they see modules the student builds inside forward() too."""
        handles = [register_module_forward_pre_hook(self._enter), register_module_forward_hook(self._leave)]
        try:
            yield
        finally:
            for handle in handles:
                handle.remove()

    def _enter(self, module: nn.Module, args: tuple) -> None:
        if self.running:
            self.running[-1].called_another = True
        self.failed_function = None
        path = self.paths.get(id(module), f"({type(module).__name__} built in forward)")
        line, span = student_place(self.filename)
        self.running.append(Running(module, path, len(self.rows), self._flops(), shapes(args), line, span))

    def _leave(self, module: nn.Module, args: tuple, output: object) -> None:
        call = self.running.pop()
        if call.called_another:
            self._direct_parameters(call)
            return
        del self.rows[call.start :]  # its own function calls are what this module computes
        row = self.module_row(call)
        row.update(
            outputs=shapes(output), macs=(self._flops() - call.flops) // 2, **self._claim(module.named_parameters())
        )
        self._append(row)

    def module_row(self, call: Running) -> dict:
        module = call.module
        return {
            "name": call.path,
            "kind": type(module).__name__,
            "arguments": module.extra_repr(),
            "inputs": call.inputs,
            "outputs": [],
            "line": call.line,
            "span": call.span,
            "defined_at": self.defined.get(id(module)),
            "facts": facts(module),
            "function": False,
            "within": "",
            "params": 0,
            "param_shapes": [],
            "macs": 0,
        }

    def _claim(self, parameters) -> dict:
        """The parameters not counted by an earlier row: a module called twice brings its parameters once."""
        fresh = [(name, parameter) for name, parameter in parameters if id(parameter) not in self.seen]
        self.seen.update(id(parameter) for _, parameter in fresh)
        return {
            "params": sum(parameter.numel() for _, parameter in fresh),
            "param_shapes": [[name, list(parameter.shape)] for name, parameter in fresh],
        }

    def _direct_parameters(self, call: Running) -> None:
        """A container's own parameters (a class token, a scale) go to the first of its own function rows."""
        own = list(call.module.named_parameters(recurse=False))
        mine = next((row for row in self.rows[call.start :] if row["function"] and row["within"] == call.path), None)
        if own and mine is not None:
            claimed = self._claim(own)
            mine["params"] += claimed["params"]
            mine["param_shapes"] += claimed["param_shapes"]

    def _append(self, row: dict) -> None:
        if len(self.rows) < MAX_ROWS:
            self.rows.append(row)
        else:
            self.truncated += 1

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if not self.running or getattr(func, "__name__", "") == "__get__":
            return stay_on_meta(func, args, kwargs)
        before = self._flops()
        try:
            out = stay_on_meta(func, args, kwargs)
        except Exception:
            self.failed_function = self.function_row(func, args, kwargs, None, 0)
            raise
        if shapes(out) and isinstance(out, (torch.Tensor, tuple, list)):
            self._append(self.function_row(func, args, kwargs, out, (self._flops() - before) // 2))
        self.failed_function = None
        return out

    def function_row(self, func, args, kwargs, out, macs: int) -> dict:
        line, span = student_place(self.filename)
        label = function_label(func)
        others = [repr(value) for value in args if not isinstance(value, torch.Tensor)]
        others += [f"{key}={value!r}" for key, value in kwargs.items() if not isinstance(value, torch.Tensor)]
        return {
            "name": label,
            "kind": label,
            "arguments": ", ".join(others)[:200],
            "inputs": shapes((args, kwargs)),
            "outputs": shapes(out),
            "line": line,
            "span": span,
            "defined_at": None,
            "facts": {},
            "function": True,
            "within": self.running[-1].path,
            "params": 0,
            "param_shapes": [],
            "macs": macs,
        }

    def stopped_in(self) -> dict | None:
        """After a failure: the call that was running when it stopped, with the shapes that arrived; None where the
        student's own Python stopped (the traceback says where)."""
        if not self.running:
            return self.failed_function
        top = self.running[-1]
        if not top.called_another and next(top.module.children(), None) is None:
            del self.rows[top.start :]  # what the layer did before it stopped is part of its own failed row
            return self.module_row(top)
        if self.failed_function and self.failed_function["within"] == top.path:
            return self.failed_function
        return None
