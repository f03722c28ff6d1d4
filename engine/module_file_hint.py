"""What would fit, where a student's forward() stopped on a size: the arithmetic, and the line to write instead.

The classic: `nn.Linear(16 * 5 * 5, 120)` after a conv that now gives 6×6
maps. torch says the matrices cannot be multiplied; the student needs to hear
"this Linear expects in_features = 400; it received 16×6×6 = 576: use
nn.Linear(576, 120) or change the conv/pool before it". Each advice is a
catalogue key and its numbers (the words are the UI's), computed from the
shapes that arrived and the sizes the layer was built with.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from engine.arch import shape_text
from engine.module_file_result import OwnLoad, OwnRow

CHANNELS_FIRST = {"Conv1d": 3, "Conv2d": 4, "Conv3d": 5, "BatchNorm1d": 3, "BatchNorm2d": 4, "BatchNorm3d": 5}
RECURRENT = ("RNN", "LSTM", "GRU")
FEATURE_MAPS = ("Conv", "Pool", "BatchNorm")  # rows whose output is a stack of maps: "the conv/pool before it"


@dataclass(frozen=True)
class Hint:
    """`key` in the catalogue's module_file section and the numbers that fill it."""

    key: str
    params: tuple[tuple[str, object], ...]

    def fill(self) -> dict[str, object]:
        return dict(self.params)


def _hint(key: str, **params: object) -> Hint:
    return Hint(key, tuple(params.items()))


def _factors(load: OwnLoad, place: OwnRow, count: int) -> tuple[str, bool]:
    """`16×6×6 = 576` where an earlier call gave maps of that many numbers per sample (and whether a conv/pool did)."""
    rows = load.table.rows
    before = rows[: rows.index(place)] if place in rows else rows
    for row in reversed(before):
        if len(row.out_shape) > 2 and math.prod(row.out_shape[1:]) == count:
            maps = any(word in row.kind for word in FEATURE_MAPS)
            return f"{shape_text(row.out_shape[1:])} = {count}", maps
    return str(count), False


def _linear(load: OwnLoad, place: OwnRow) -> Hint | None:
    expected, out = place.fact("in_features"), place.fact("out_features")
    shape = place.in_shape
    if not shape or expected is None or shape[-1] == expected:
        return None
    bias = "" if place.fact("bias") is not False else ", bias=False"
    if len(shape) > 2:  # never flattened: nn.Linear reads the last dimension only
        per_sample = math.prod(shape[1:])
        return _hint(
            "fix_flatten",
            expected=expected,
            shape=shape_text(shape),
            last=shape[-1],
            factors=f"{shape_text(shape[1:])} = {per_sample}",
            fits="" if per_sample == expected else f" nn.Linear({per_sample}, {out}{bias})",
        )
    factors, maps = _factors(load, place, shape[-1])
    return _hint(
        "fix_linear_maps" if maps else "fix_linear",
        expected=expected,
        factors=factors,
        call=f"nn.Linear({shape[-1]}, {out}{bias})",
    )


def _channels(place: OwnRow) -> Hint | None:
    """A conv or batch norm built for other channels than dimension 1 of what arrived (or for a batch of another rank)."""
    rank = CHANNELS_FIRST[place.kind]
    shape, built = place.in_shape, place.fact("in_channels") or place.fact("num_features")
    if built is None or not shape:
        return None
    if len(shape) != rank:
        return _hint("fix_rank", kind=place.kind, rank=rank, shape=shape_text(shape))
    if shape[1] == built:
        return None
    name = "in_channels" if place.fact("in_channels") is not None else "num_features"
    rest = place.arguments.split(",", 1)[1].strip() if "," in place.arguments and name == "in_channels" else ""
    call = f"nn.{place.kind}({shape[1]}{', ' + rest if rest else ''})"
    return _hint(
        "fix_channels", kind=place.kind, name=name, built=built, shape=shape_text(shape), got=shape[1], call=call
    )


def _recurrent(place: OwnRow) -> Hint | None:
    expected, shape = place.fact("input_size"), place.in_shape
    if expected is None or not shape or shape[-1] == expected:
        return None
    return _hint("fix_input_size", kind=place.kind, expected=expected, shape=shape_text(shape), got=shape[-1])


def _view(place: OwnRow) -> Hint | None:
    """view/reshape to sizes whose product does not divide the count of numbers that arrived."""
    sizes = [int(size) for size in re.findall(r"-?\d+", place.arguments)]
    if not place.in_shape or not sizes or place.arguments.count("(") > 1:
        return None
    count, known = math.prod(place.in_shape), math.prod(size for size in sizes if size != -1)
    if known == 0 or (count % known == 0 and -1 in sizes) or (count == known and -1 not in sizes):
        return None
    per_sample = math.prod(place.in_shape[1:])
    return _hint(
        "fix_view",
        arguments=place.arguments,
        known=known,
        shape=shape_text(place.in_shape),
        count=count,
        per_sample=per_sample,
    )


def hint(load: OwnLoad) -> Hint | None:
    """The advice for a load that stopped, where its arithmetic is known; None where torch's words are all there is."""
    failure = load.failure
    if failure is None:
        return None
    if failure.kind in ("forward", "constructor") and "meta" in failure.message:
        return _hint("fix_meta")
    place = failure.place
    if failure.kind != "forward" or place is None:
        return None
    if place.kind == "Embedding" and load.spec.dtype != "long":
        return _hint("fix_dtype")
    if place.kind in ("Linear", "LazyLinear") and not place.function:
        return _linear(load, place)
    if place.kind in CHANNELS_FIRST and not place.function:
        return _channels(place)
    if place.kind in RECURRENT and not place.function:
        return _recurrent(place)
    if place.function and place.kind in (".view", ".reshape", "torch.reshape"):
        return _view(place)
    return None
