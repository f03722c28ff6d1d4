"""Which device trains, said in words a student can check (GPU name, memory in use)."""

from __future__ import annotations

import os

import torch

from engine.errors import SpecError


def resolve_device(name: str) -> torch.device:
    """auto: cuda, then mps, then cpu. Asking for a device that is absent quotes torch's own refusal."""
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


def set_threads(threads: int) -> int:
    """Set torch's CPU threads; returns the count used.

    0 means one per core this process may use, at most 8: the same count on the same
    machine every time, so a seed gives the same numbers twice (conv layers sum in a
    different order with another thread count). On a machine other jobs keep busy,
    pass --threads 1: a thread sharing its core makes the others wait at every
    operation (2 threads trained 3–8× slower than 1 here under load).
    """
    count = threads or max(1, min(8, usable_cores()))
    torch.set_num_threads(count)
    return count


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
