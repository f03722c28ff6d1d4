"""The tensor lesson checked against torch (run by engine.verify, never in the app): the code on screen, run.

Every step's new code lines are executed with torch and NumPy, exactly as the
screen prints them, in one namespace per topic. Then each tensor and array the
step draws must have the engine's shape, strides, storage offset, dtype and
numbers, its whole storage must hold the engine's storage row, two of them must
share memory exactly when the engine draws them over the same storage, every
line the engine shows a result for must print that result, and every line the
engine shows torch refusing must raise that exception with those words.

A GPU is rarely there: without one, `.to("cuda")` runs on torch's `meta`
device, which raises the same refusal with its own name, and what needs GPU
memory (the values on it, the copy back) is not checked.
"""

from __future__ import annotations

import math

import numpy as np

from engine.tensor import tensor_trace
from engine.tensor_spec import TensorSpec
from engine.tensor_steps import GPU, NUMPY, TensorStep

MISMATCH = math.inf


def spec_to_json(spec: TensorSpec) -> dict:
    return {
        "topic": spec.topic,
        "shape": list(spec.shape),
        "view": list(spec.view),
        "transpose": None if spec.transpose is None else list(spec.transpose),
        "seed": spec.seed,
    }


def spec_from_json(data: dict) -> TensorSpec:
    transpose = data["transpose"]
    return TensorSpec(
        topic=str(data["topic"]),
        shape=tuple(int(size) for size in data["shape"]),
        view=tuple(str(term) for term in data["view"]),
        transpose=None if transpose is None else (int(transpose[0]), int(transpose[1])),
        seed=int(data["seed"]),
    )


class _Run:
    """One topic's namespace, its lines run in order; `gpu` says whether `cuda` is real here."""

    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.gpu = torch.cuda.is_available()
        self.names: dict = {"torch": torch, "np": np}

    def line(self, code: str) -> tuple[object, BaseException | None]:
        """Run one line; an expression's value is returned, an exception caught and returned."""
        device_code = code if self.gpu else code.replace('"cuda"', '"meta"')
        try:
            try:
                compiled = compile(device_code, "<lesson>", "eval")
            except SyntaxError:
                exec(compile(device_code, "<lesson>", "exec"), self.names)
                return None, None
            return eval(compiled, self.names), None
        except Exception as error:  # torch's refusal, compared with the engine's below
            return None, error

    def refusal_text(self, error: BaseException) -> str:
        message = str(error)
        return message if self.gpu else message.replace("meta device", f"{GPU} device")


def _step_delta(run: _Run, step: TensorStep, ran: bool) -> float:
    """Run the step's new lines (unless the previous step ran the same ones), then compare what it draws."""
    if not ran:
        for line in step.code:
            if not line.new:
                continue
            value, error = run.line(line.code)
            if line.refusal is not None:
                if error is None or type(error).__name__ != line.refusal.kind:
                    return MISMATCH
                if run.refusal_text(error) != line.refusal.message:
                    return MISMATCH
                continue
            if error is not None:
                if run.gpu or all(storage.place != GPU for storage in step.storages):
                    return MISMATCH
                return 0.0  # the copy back from a GPU that is not there: not checkable here
            if line.result is not None and str(value) != line.result:
                return MISMATCH
    return _drawn_delta(run, step)


def _drawn_delta(run: _Run, step: TensorStep) -> float:
    torch = run.torch
    delta, host = 0.0, {}
    for panel in step.panels:
        if panel.device == GPU and not run.gpu:
            continue
        obj = run.names.get(panel.name)
        storage = step.storages[panel.storage]
        if panel.library == NUMPY:
            if not isinstance(obj, np.ndarray):
                return MISMATCH
            array, strides, offset, dtype = obj, tuple(s // obj.itemsize for s in obj.strides), None, str(obj.dtype)
            whole = None
        else:
            if not isinstance(obj, torch.Tensor) or (obj.device.type == "cuda") != (panel.device == GPU):
                return MISMATCH
            obj = obj.cpu() if panel.device == GPU else obj
            array, strides, offset = obj.numpy(), tuple(obj.stride()), obj.storage_offset()
            dtype = str(obj.dtype).removeprefix("torch.")
            whole = torch.empty(0, dtype=obj.dtype).set_(obj.untyped_storage()).numpy()
        layout = panel.layout
        if array.shape != layout.shape or strides != layout.strides or dtype != panel.dtype:
            return MISMATCH
        if offset is not None and offset != layout.offset:
            return MISMATCH
        host[panel.name] = (array, panel.storage, panel.device)
        expected = step.values(panel)
        if expected is None:
            continue
        delta = max(delta, float(np.abs(array.astype(np.float64) - expected).max()))
        if whole is not None and storage.known and panel.device != GPU:
            if whole.shape != storage.values.shape:
                return MISMATCH
            delta = max(delta, float(np.abs(whole.astype(np.float64) - storage.values).max()))
    cpu = [(name, array, number) for name, (array, number, device) in host.items() if device != GPU]
    for first, (_, one, one_storage) in enumerate(cpu):
        for _, other, other_storage in cpu[first + 1 :]:
            if np.shares_memory(one, other) != (one_storage == other_storage):
                return MISMATCH
    return delta


def torch_max_delta(spec: TensorSpec) -> float:
    """max |engine − torch| over every number the topic draws; ∞ where a shape, stride, share or message differs."""
    run, delta, previous = _Run(), 0.0, None
    for step in tensor_trace(spec).steps:
        delta = max(delta, _step_delta(run, step, ran=step.code == previous))
        previous = step.code
        if delta == MISMATCH:
            break
    return delta
