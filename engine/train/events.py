"""What a training run reports, typed once: the loop makes these, the child writes them, the app reads them.

Each kind is a frozen dataclass whose fields are the keys of its JSON line, in
the order the child writes them, so `to_json()` is the wire format and
`event_from_json()` is the one place that reads it: an unknown kind or a missing
field is an EventError here, never a KeyError in a widget. `can_replace` lets a
reader coalesce a flood the way Textual coalesces messages: a newer batch,
boundary, images or sample event makes an older one of its kind not worth drawing.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from typing import Any, ClassVar

from engine.errors import SpecError


class EventError(ValueError):
    """A line that is not a training event of this version: a bug, never the student's input."""


@dataclass(frozen=True)
class TrainEvent:
    KIND: ClassVar[str] = ""
    REPLACES_OLDER: ClassVar[bool] = False  # a newer one of the same kind makes it redundant
    FINAL: ClassVar[bool] = False  # the run ends after it

    def to_json(self) -> dict[str, Any]:
        """The JSON object the child writes for this event ("event" first)."""
        values = {f.name: _plain(getattr(self, f.name)) for f in fields(self)}
        return {"event": self.KIND, **values}

    def can_replace(self, other: TrainEvent) -> bool:
        """True when this newer event makes `other`, older and not yet drawn, redundant."""
        return self.REPLACES_OLDER and type(other) is type(self)

    @classmethod
    def from_fields(cls, values: dict[str, Any]) -> TrainEvent:
        return cls(**values)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    kind: str  # "points", "images" or "text"
    train: int
    test: int
    input_shape: list[int]
    classes: list[str]
    source: str
    extent: list[float] | None  # x0, x1, y0, y1 of the plane, for 2-D points
    notes: list = field(default_factory=list)  # [catalogue key, values]: what was done to the student's own data


@dataclass(frozen=True)
class LayerInfo:
    layer: str
    kind: str
    output: list[int]
    parameters: int


@dataclass(frozen=True)
class ImageSample:
    image: list  # (C, H, W), 0..1
    true: int
    pred: int


@dataclass(frozen=True)
class StartedEvent(TrainEvent):
    KIND = "started"
    device: str
    device_name: str
    threads: int | None  # None: not reported, so the device's name is shown as sent
    dataset: DatasetInfo
    points: list[list[float]]  # test points [x, y, label] drawn over the boundary
    summary: list[LayerInfo]
    parameters: int
    steps_per_epoch: int
    epochs: int
    epoch: int  # > 0 when resumed
    global_step: int
    lr: float
    out: str | None
    limits: dict | None = None  # AdminLimits.to_json(): each limit's value and where it was set
    amp: bool = False  # bf16 autocast

    @classmethod
    def from_fields(cls, values: dict[str, Any]) -> StartedEvent:
        dataset = DatasetInfo(**_values(DatasetInfo, values["dataset"], "started.dataset"))
        rows = [LayerInfo(**_values(LayerInfo, row, "started.summary")) for row in values["summary"]]
        return cls(**{**values, "dataset": dataset, "summary": rows})


@dataclass(frozen=True)
class BatchEvent(TrainEvent):
    KIND = "batch"
    REPLACES_OLDER = True
    epoch: int  # 1-based, the epoch this batch belongs to
    step: int
    steps_per_epoch: int
    global_step: int
    loss: float
    lr: float
    samples_per_s: float
    elapsed_s: float  # training time, pauses left out
    eta_s: float
    memory_mb: float | None  # GPU memory in use; None on the CPU


@dataclass(frozen=True)
class BoundaryEvent(TrainEvent):
    KIND = "boundary"
    REPLACES_OLDER = True
    width: int
    height: int
    extent: list[float]
    label: list[list[int]]  # row 0 is the top (largest y)
    confidence: list[list[float]]


@dataclass(frozen=True)
class EpochEvent(TrainEvent):
    KIND = "epoch"
    epoch: int
    train_loss: float
    train_acc: float
    test_loss: float
    test_acc: float
    samples_per_s: float
    elapsed_s: float
    lr: float


@dataclass(frozen=True)
class HintEvent(TrainEvent):
    """Why the run is not learning (engine/train/diagnose.py): a catalogue code and the numbers it quotes."""

    KIND = "hint"
    epoch: int
    code: str
    values: dict[str, Any]


@dataclass(frozen=True)
class ImagesEvent(TrainEvent):
    KIND = "images"
    REPLACES_OLDER = True
    confusion: list[list[int]]  # [true][predicted]
    per_class_acc: list[float]
    samples: list[ImageSample]
    filters: list[list[list[float]]]  # each scaled to -1..1
    filter_title: str

    @classmethod
    def from_fields(cls, values: dict[str, Any]) -> ImagesEvent:
        samples = [ImageSample(**_values(ImageSample, s, "images.samples")) for s in values["samples"]]
        return cls(**{**values, "samples": samples})


@dataclass(frozen=True)
class ClassAccuracy:
    name: str
    correct: int
    total: int
    percent: float | None  # 100 · correct / total; None when the test set has no image of the class


@dataclass(frozen=True)
class AccuracyEvent(TrainEvent):
    """The course's test step once training is done: accuracy over all test images, then per class."""

    KIND = "accuracy"
    images: int
    correct: int
    percent: int  # 100 * correct // total, the whole percent the tutorial prints
    classes: list[ClassAccuracy]

    @classmethod
    def from_fields(cls, values: dict[str, Any]) -> AccuracyEvent:
        rows = [ClassAccuracy(**_values(ClassAccuracy, row, "accuracy.classes")) for row in values["classes"]]
        return cls(**{**values, "classes": rows})


@dataclass(frozen=True)
class SampleEvent(TrainEvent):
    KIND = "sample"
    REPLACES_OLDER = True
    epoch: int
    global_step: int
    prompt: str
    text: str


@dataclass(frozen=True)
class PausedEvent(TrainEvent):
    KIND = "paused"
    global_step: int


@dataclass(frozen=True)
class ResumedEvent(TrainEvent):
    KIND = "resumed"
    global_step: int


@dataclass(frozen=True)
class LrEvent(TrainEvent):
    KIND = "lr"
    lr: float


@dataclass(frozen=True)
class SavedEvent(TrainEvent):
    KIND = "saved"
    path: str | None  # None: the run has no directory to save to


@dataclass(frozen=True)
class StoppedEvent(TrainEvent):
    KIND = "stopped"
    FINAL = True
    epoch: int  # finished epochs
    step: int  # batches done in the next one


@dataclass(frozen=True)
class DoneEvent(TrainEvent):
    KIND = "done"
    FINAL = True
    epoch: int
    test_acc: float | None


@dataclass(frozen=True)
class FailedEvent(TrainEvent):
    KIND = "failed"
    FINAL = True
    code: str  # a SpecError code: the UI's catalogue has the sentence
    params: dict[str, Any]
    torch_message: str | None

    @classmethod
    def of(cls, error: SpecError) -> FailedEvent:
        params = {key: _scalar(value) for key, value in error.params.items()}
        return cls(error.code, params, error.torch_message)

    def error(self) -> SpecError:
        return SpecError(self.code, self.torch_message, **self.params)


EVENTS: dict[str, type[TrainEvent]] = {
    cls.KIND: cls
    for cls in (
        StartedEvent,
        BatchEvent,
        BoundaryEvent,
        EpochEvent,
        HintEvent,
        ImagesEvent,
        AccuracyEvent,
        SampleEvent,
        PausedEvent,
        ResumedEvent,
        LrEvent,
        SavedEvent,
        StoppedEvent,
        DoneEvent,
        FailedEvent,
    )
}


def event_from_json(data: object) -> TrainEvent:
    """The event a JSON object from the child stands for; EventError if it is none."""
    kind = data.get("event") if isinstance(data, dict) else None
    cls = EVENTS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise EventError(f"not a training event: {kind!r} (known: {', '.join(EVENTS)})")
    return cls.from_fields(_values(cls, data, kind))


def _values(cls: type, data: object, what: str) -> dict[str, Any]:
    """`data`'s value for each field of `cls`, or an EventError naming what is missing or unknown."""
    if not isinstance(data, dict):
        raise EventError(f"training event {what}: not an object but {type(data).__name__}")
    names = [f.name for f in fields(cls)]
    optional = {
        f.name for f in fields(cls) if f.default is not MISSING or f.default_factory is not MISSING
    }  # added later; an older line lacks them
    missing = [name for name in names if name not in data and name not in optional]
    unknown = [key for key in data if key not in names and key != "event"]
    if missing or unknown:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unknown {', '.join(unknown)}"] if unknown else []
        raise EventError(f"training event {what}: {'; '.join(problems)}")
    return {name: data[name] for name in names if name in data}


def _plain(value: object) -> object:
    """Nested records (the dataset, summary rows, test images) as JSON objects."""
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, list) and value and is_dataclass(value[0]):
        return [asdict(item) for item in value]
    return value


def _scalar(value: object) -> object:
    plain = isinstance(value, (str, int, float, bool)) or value is None
    return value if plain else str(value)
