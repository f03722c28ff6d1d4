"""The DataLoader lesson checked against torch (run by engine.verify, never in the app).

The batches come from a real `DataLoader(range(N), …)` with the spec's workers,
iterated once per epoch; the transform from torch's float32 arithmetic (the
operations ToTensor and Normalize run, without torchvision).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict

import numpy as np

from engine.data import DataSpec, data_trace
from engine.data_transform import NORMALIZE


def spec_to_json(spec: DataSpec) -> dict:
    data = asdict(spec)
    data["pixel"] = list(spec.pixel)
    return data


def spec_from_json(data: dict) -> DataSpec:
    return DataSpec(
        size=int(data["size"]),
        batch_size=int(data["batch_size"]),
        shuffle=bool(data["shuffle"]),
        seed=int(data["seed"]),
        drop_last=bool(data["drop_last"]),
        num_workers=int(data["num_workers"]),
        epochs=int(data["epochs"]),
        pixel=tuple(int(value) for value in data["pixel"]),
        normalize=str(data["normalize"]),
    )


def torch_batches(spec: DataSpec) -> list[list[list[int]]]:
    """Each epoch's batches from the DataLoader the lesson's code line writes, with `spec.checked_workers` workers.

    torch's warning about more workers than CPUs is silenced: the checker's stderr
    is a pipe nobody reads until it exits, and the lesson quotes the warning itself.
    """
    import torch
    from torch.utils.data import DataLoader

    generator = torch.Generator().manual_seed(spec.seed) if spec.shuffle else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        loader = DataLoader(
            range(spec.size),
            batch_size=spec.batch_size,
            shuffle=spec.shuffle,
            num_workers=spec.checked_workers,
            generator=generator,
            drop_last=spec.drop_last,
        )
        return [[batch.tolist() for batch in loader] for _ in range(spec.epochs)]


def torch_transform(spec: DataSpec) -> np.ndarray:
    """(x/255, (x/255 − mean)/std) per channel, as ToTensor and Normalize compute them in float32."""
    import torch

    mean, std = (torch.as_tensor(values, dtype=torch.float32) for values in NORMALIZE[spec.normalize])
    scaled = torch.tensor(spec.pixel, dtype=torch.uint8).to(torch.float32).div(255)
    normalized = scaled.clone().sub_(mean).div_(std)
    return torch.stack([scaled, normalized], dim=1).numpy().astype(np.float64)


def torch_max_delta(spec: DataSpec) -> float:
    """0 when every epoch's batches are the same samples in the same order and the transform's numbers agree."""
    trace = data_trace(spec)
    ours = [[list(batch) for batch in epoch.batches] for epoch in trace.epochs]
    theirs = torch_batches(spec)
    if [[len(batch) for batch in epoch] for epoch in ours] != [[len(batch) for batch in epoch] for epoch in theirs]:
        return float("inf")
    flat_ours = np.array([s for epoch in ours for batch in epoch for s in batch], dtype=np.float64)
    flat_theirs = np.array([s for epoch in theirs for batch in epoch for s in batch], dtype=np.float64)
    transform = np.array([[step.scaled, step.normalized] for step in trace.transform])
    deltas = [np.abs(transform - torch_transform(spec)).max()]
    if flat_ours.size:
        deltas.append(np.abs(flat_ours - flat_theirs).max())
    return float(max(deltas))
