"""The training events: one JSON shape per kind, read back into the same dataclass, refused clearly otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.errors import SpecError
from engine.train.events import (
    EVENTS,
    AccuracyEvent,
    BatchEvent,
    BoundaryEvent,
    ClassAccuracy,
    DatasetInfo,
    DoneEvent,
    EpochEvent,
    EventError,
    FailedEvent,
    HintEvent,
    ImageSample,
    ImagesEvent,
    LayerInfo,
    LrEvent,
    PausedEvent,
    ResumedEvent,
    SampleEvent,
    SavedEvent,
    StartedEvent,
    StoppedEvent,
    event_from_json,
)

DATASET = DatasetInfo("xor", "points", 800, 200, [2], ["blue", "orange"], "generated", [-1, 1, -1, 1])
STARTED = StartedEvent(
    device="cpu",
    device_name="CPU · 1 thread",
    threads=1,
    dataset=DATASET,
    points=[[0.5, -0.5, 1]],
    summary=[LayerInfo("fc1", "Linear", [8], 24), LayerInfo("fc2", "Linear", [2], 18)],
    parameters=42,
    steps_per_epoch=13,
    epochs=3,
    epoch=0,
    global_step=0,
    lr=0.01,
    out=None,
)
BATCH = BatchEvent(1, 5, 13, 5, 0.69, 0.01, 1234.5, 0.5, 3.0, None)
EPOCH = EpochEvent(1, 0.69, 0.5, 0.68, 0.505, 1234.5, 1.0, 0.01)
IMAGES = ImagesEvent(
    [[3, 1], [0, 4]],
    [0.75, 1.0],
    [ImageSample([[[0.0, 1.0]]], 1, 0)],
    [[[1.0]]],
    "linear 1×2",
)
ACCURACY = AccuracyEvent(20, 11, 55, [ClassAccuracy("plane", 3, 4, 75.0), ClassAccuracy("car", 0, 0, None)])
ONE_OF_EACH = [
    STARTED,
    BATCH,
    BoundaryEvent(2, 1, [-1, 1, -1, 1], [[0, 1]], [[0.9, 0.8]]),
    EPOCH,
    HintEvent(2, "at_chance", {"epochs": 3, "acc": "9.8", "cause": "lr_high", "try": "0.001"}),
    IMAGES,
    ACCURACY,
    SampleEvent(0, 2, "Shall I ", "compare thee"),
    PausedEvent(5),
    ResumedEvent(5),
    LrEvent(0.005),
    SavedEvent("runs/x/checkpoint.pt"),
    StoppedEvent(1, 3),
    DoneEvent(3, 0.98),
    FailedEvent("loss_not_finite", {"value": "NaN", "epoch": 3}, None),
]


def test_every_kind_is_listed_once_and_has_an_example_here():
    assert sorted(EVENTS) == sorted(event.KIND for event in ONE_OF_EACH)


@pytest.mark.parametrize("event", ONE_OF_EACH, ids=lambda event: event.KIND)
def test_each_event_survives_the_json_line_and_comes_back_equal(event):
    line = json.dumps(event.to_json())
    data = json.loads(line)
    assert next(iter(data)) == "event" and data["event"] == event.KIND
    assert event_from_json(data) == event
    assert json.dumps(event_from_json(data).to_json()) == line


def test_nested_records_are_json_objects_with_the_wire_names():
    started = STARTED.to_json()
    assert started["dataset"]["classes"] == ["blue", "orange"]
    assert started["summary"][0] == {
        "layer": "fc1",
        "kind": "Linear",
        "output": [8],
        "parameters": 24,
    }
    assert IMAGES.to_json()["samples"] == [{"image": [[[0.0, 1.0]]], "true": 1, "pred": 0}]
    assert ACCURACY.to_json()["classes"][1] == {"name": "car", "correct": 0, "total": 0, "percent": None}


BROKEN = [
    ({"event": "telemetry"}, "not a training event: 'telemetry'"),
    ({"loss": 1.0}, "not a training event: None"),
    (["batch"], "not a training event: None"),
    ({"event": "lr"}, "training event lr: missing lr"),
    (
        {"event": "stopped", "epoch": 1, "step": 2, "extra": 0},
        "training event stopped: unknown extra",
    ),
    (
        {**STARTED.to_json(), "dataset": {"name": "xor"}},
        "training event started.dataset: missing kind, train, test",
    ),
    (
        {**IMAGES.to_json(), "samples": [7]},
        "training event images.samples: not an object but int",
    ),
    (
        {**ACCURACY.to_json(), "classes": [{"name": "plane"}]},
        "training event accuracy.classes: missing correct, total, percent",
    ),
]


@pytest.mark.parametrize(("data", "words"), BROKEN)
def test_what_is_not_an_event_is_an_event_error_that_says_what_is_wrong(data, words):
    with pytest.raises(EventError) as caught:
        event_from_json(data)
    assert words in str(caught.value)


def test_a_newer_batch_boundary_images_or_sample_replaces_an_older_one_of_its_kind():
    replacing = {event.KIND for event in ONE_OF_EACH if event.can_replace(event)}
    assert replacing == {"batch", "boundary", "images", "sample"}
    assert BATCH.can_replace(BatchEvent(1, 4, 13, 4, 0.7, 0.01, 1.0, 0.4, 3.1, None))
    assert not BATCH.can_replace(EPOCH) and not EPOCH.can_replace(BATCH)
    assert not StoppedEvent(1, 3).can_replace(BATCH)


def test_a_failure_carries_the_spec_errors_code_and_plain_parameters():
    error = SpecError("train_write_failed", path=Path("/x/metrics.jsonl"), reason="denied")
    failed = FailedEvent.of(error)
    assert failed.params == {"path": "/x/metrics.jsonl", "reason": "denied"}
    back = failed.error()
    assert (back.code, back.params, back.torch_message) == (
        "train_write_failed",
        failed.params,
        None,
    )
