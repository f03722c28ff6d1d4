"""Which device trains, said in words a student can check (GPU name, memory in use)."""

from __future__ import annotations

import contextlib
import os

import torch

from engine.errors import SpecError
from engine.train.limits import AdminLimits


def resolve_device(name: str, limits: AdminLimits | None = None) -> torch.device:
    """auto: cuda, then mps, then cpu. Asking for a device that is absent quotes torch's own refusal.

    Under an administrator's device limit, auto takes the first allowed device that is present, and cuda
    the first allowed GPU (cuda:1 where the teacher gave this class the second one).
    """
    if limits is not None and limits.devices is not None:
        return _allowed_device(name, limits)
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise SpecError("cuda_unavailable", torch_message=_cuda_refusal())
    if name == "mps" and not _mps_available():
        raise SpecError("mps_unavailable")
    return torch.device(name)


def _allowed_device(name: str, limits: AdminLimits) -> torch.device:
    """The first allowed device of the kind asked for (any kind for auto) that this machine has; else why not."""
    allowed = [device for device in limits.devices.value if name in ("auto", device.split(":")[0])]
    for device in allowed:
        family = device.split(":")[0]
        present = (
            family == "cpu"
            or (family == "mps" and _mps_available())
            or (family == "cuda" and torch.cuda.is_available() and _index(device) < torch.cuda.device_count())
        )
        if present:
            return torch.device(device)
    if name == "auto" or not allowed:
        raise SpecError("limits_none_present", allowed=", ".join(limits.devices.value), source=limits.devices.source)
    first = allowed[0]
    return _missing_gpu(first) if first.startswith("cuda:") else resolve_device(first)  # torch's own refusal


def _index(device: str) -> int:
    return int(device.split(":")[1]) if ":" in device else 0


def _missing_gpu(device: str) -> torch.device:
    if not torch.cuda.is_available():
        raise SpecError("cuda_unavailable", torch_message=_cuda_refusal())
    raise SpecError("limits_no_such_gpu", device=device, count=torch.cuda.device_count())


def cap_gpu_memory(device: torch.device, limits: AdminLimits | None) -> None:
    """The administrator's share of the GPU's memory for this process: beyond it torch raises out-of-memory here,
    instead of another student's run failing."""
    if device.type == "cuda" and limits is not None and limits.gpu_memory_fraction is not None:
        torch.cuda.set_per_process_memory_fraction(limits.gpu_memory_fraction.value, device)


def autocast(device: torch.device, amp: bool):
    """bf16 autocast for `--amp` where bf16 pays: a CUDA GPU that supports it, or a CPU with bf16 matrix units
    (AMX or AVX-512 BF16: conv nets trained 1.1–1.5× faster on one, see README); a refusal saying why anywhere else.

    Without those units CPU autocast only adds conversions: slower than float32 and rounder, no offer to make.
    """
    if not amp:
        return contextlib.nullcontext()
    if device.type == "cpu":
        if not cpu_has_bf16():
            raise SpecError("amp_cpu_no_bf16")
        return torch.autocast(device_type="cpu", dtype=torch.bfloat16)
    if device.type != "cuda":
        raise SpecError("amp_device", device=device.type)
    if not torch.cuda.is_bf16_supported():
        raise SpecError("amp_no_bf16", gpu=torch.cuda.get_device_name(device))
    return torch.autocast(device_type="cuda", dtype=torch.bfloat16)


def cpu_has_bf16() -> bool:
    """Whether torch finds bf16 matrix units on this CPU (torch.cpu's own checks; absent in a torch without them)."""
    checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def set_threads(threads: int, limits: AdminLimits | None = None) -> int:
    """Set torch's CPU threads; returns the count used.

    0 means one per core this process may use, at most 8: the same count on the same
    machine every time, so a seed gives the same numbers twice (conv layers sum in a
    different order with another thread count). On a machine other jobs keep busy,
    pass --threads 1: a thread sharing its core makes the others wait at every
    operation (2 threads trained 3–8× slower than 1 here under load). An administrator's
    max_threads caps the automatic count (a larger explicit one is refused before this).
    """
    automatic = max(1, min(8, usable_cores()))
    count = limits.threads_for(threads, automatic) if limits is not None else threads or automatic
    torch.set_num_threads(count)
    return torch.get_num_threads()


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def device_name(device: torch.device, threads: int) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (mps)"
    return f"CPU · {threads} thread{'s' if threads != 1 else ''}"


def memory_mb(device: torch.device) -> float | None:
    """GPU memory held by tensors, in MiB; None on the CPU, where it is not a limit worth watching."""
    if device.type == "cuda":
        return torch.cuda.memory_allocated(device) / 2**20
    return None


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def _cuda_refusal() -> str | None:
    """Torch's first line, e.g. "Torch not compiled with CUDA enabled" on a CPU-only build."""
    try:
        torch.zeros(1, device="cuda")
    except (AssertionError, RuntimeError) as error:
        return str(error).strip().splitlines()[0]
    return None
