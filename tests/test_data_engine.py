"""engine.data against torch's DataLoader, randperm and generator; the transform against torch's float32 arithmetic.

Every expected batch comes from a real `DataLoader(range(N), …)` iterated once per
epoch; every refusal's words from torch at test time.
"""

from __future__ import annotations

import io
import json
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_errors import spec_error
from torch.utils.data import DataLoader, Dataset, get_worker_info

from engine.data import MAX_SIZE, DataSpec, data_trace, usable_cpus
from engine.data_check import spec_from_json, spec_to_json, torch_max_delta
from engine.data_rng import SEED_HIGH, SEED_LOW, TorchCpuGenerator, mt19937_key
from engine.data_transform import NORMALIZE, parse_pixel, transform_pixel
from engine.errors import SpecError
from engine.rnn_setup import parse_count
from engine.verify import serve


def torch_epochs(size, batch_size, shuffle, seed, drop_last, epochs, num_workers=0):
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    loader = DataLoader(
        range(size),
        batch_size=batch_size,
        shuffle=shuffle,
        generator=generator,
        drop_last=drop_last,
        num_workers=num_workers,
    )
    return [[batch.tolist() for batch in loader] for _ in range(epochs)], len(loader)


def engine_epochs(trace) -> list[list[list[int]]]:
    return [[list(batch) for batch in epoch.batches] for epoch in trace.epochs]


def torch_error(call) -> str:
    with pytest.raises((ValueError, RuntimeError)) as caught:
        call()
    return str(caught.value)


SEEDS = st.one_of(st.integers(0, 1000), st.integers(SEED_LOW, SEED_HIGH))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    size=st.integers(1, 300),
    batch_size=st.integers(1, 64),
    shuffle=st.booleans(),
    seed=SEEDS,
    drop_last=st.booleans(),
    epochs=st.integers(1, 4),
)
def test_batches_are_the_dataloaders_epoch_after_epoch(size, batch_size, shuffle, seed, drop_last, epochs):
    spec = DataSpec(size, batch_size, shuffle, seed, drop_last, num_workers=0, epochs=epochs)
    trace = data_trace(spec)
    expected, length = torch_epochs(size, batch_size, shuffle, seed, drop_last, epochs)
    assert engine_epochs(trace) == expected
    assert spec.batches_per_epoch == length
    for epoch in trace.epochs:
        assert sorted(epoch.order) == list(range(size))  # each sample once per epoch
        assert [s for batch in epoch.batches for s in batch] + list(epoch.dropped) == list(epoch.order)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(n=st.integers(1, 2000), seed=SEEDS, before=st.integers(0, 700))
def test_randperm_is_torchs_after_any_number_of_draws(n, seed, before):
    """Past 624 draws the twister regenerates its state: `before` crosses that boundary too."""
    ours = TorchCpuGenerator(seed)
    ours.random(before)
    theirs = torch.Generator().manual_seed(seed)
    if before:
        torch.randperm(before + 1, generator=theirs)  # randperm(k + 1) takes exactly k draws
    assert ours.randperm(n) == torch.randperm(n, generator=theirs).tolist()


def test_seeding_is_init_genrand_on_the_low_32_bits():
    assert mt19937_key(5489)[:3].tolist() == [5489, 1301868182, 2938499221]  # std::mt19937's default seed
    assert np.array_equal(mt19937_key(2**32 + 7), mt19937_key(7))
    same = [
        torch.randperm(50, generator=torch.Generator().manual_seed(s)).tolist() for s in (1, 2**32 + 1, -(2**32) + 1)
    ]
    assert same[0] == same[1] == same[2] == TorchCpuGenerator(1).randperm(50)


def test_the_largest_size_and_most_epochs_still_match():
    spec = DataSpec(size=MAX_SIZE, batch_size=1000, seed=123, num_workers=0, epochs=3)
    assert engine_epochs(data_trace(spec)) == torch_epochs(MAX_SIZE, 1000, True, 123, False, 3)[0]


def test_every_epoch_draws_a_new_order_and_the_seed_fixes_them():
    trace = data_trace(DataSpec(size=10, epochs=3))
    assert trace.new_order_each_epoch and len({e.order for e in trace.epochs}) == 3
    assert engine_epochs(data_trace(DataSpec(size=10, epochs=3))) == engine_epochs(trace)
    assert not data_trace(DataSpec(shuffle=False, epochs=3)).new_order_each_epoch


def test_workers_get_batch_i_mod_w_and_change_nothing_in_the_order():
    class WhoLoads(Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, index):
            return index, get_worker_info().id

    loader = DataLoader(
        WhoLoads(), batch_size=3, shuffle=True, num_workers=2, generator=torch.Generator().manual_seed(4)
    )
    batches = [(samples.tolist(), set(workers.tolist())) for samples, workers in loader]
    trace = data_trace(DataSpec(size=10, batch_size=3, seed=4, num_workers=2, epochs=1))
    assert [samples for samples, _ in batches] == engine_epochs(trace)[0]
    assert [workers for _, workers in batches] == [{trace.step(i).worker} for i in range(trace.step_count)]
    assert [trace.step(i).worker for i in range(4)] == [0, 1, 0, 1]


def test_drop_last_can_leave_an_epoch_without_a_batch():
    trace = data_trace(DataSpec(size=3, batch_size=4, drop_last=True, num_workers=0))
    expected, length = torch_epochs(3, 4, True, 0, True, 2)
    assert expected == [[], []] and length == 0 == trace.spec.batches_per_epoch
    assert trace.step_count == 2 and trace.step(0).batch is None and trace.first_batch == ()
    assert sorted(trace.epochs[0].dropped) == [0, 1, 2]


def test_steps_walk_batches_then_epochs_and_remember_what_was_loaded():
    trace = data_trace(DataSpec())
    assert trace.step_count == 6 and trace.position(4) == (1, 1)
    step = trace.step(2)
    assert (step.epoch, step.batch, step.worker) == (0, 2, 0) and len(step.samples) == 2
    assert set(step.seen) | set(step.samples) == set(range(10))
    assert step.tensor == f"tensor({list(step.samples)})"
    assert trace.index_at((1, 2)) == 5 and trace.index_at((2, 0)) is None
    assert trace.first_batch == tuple(next(iter(torch_loader(DataSpec()))).tolist())


def torch_loader(spec: DataSpec) -> DataLoader:
    return DataLoader(
        range(spec.size),
        batch_size=spec.batch_size,
        shuffle=spec.shuffle,
        generator=torch.Generator().manual_seed(spec.seed),
        drop_last=spec.drop_last,
    )


def test_code_line_is_python_that_builds_the_same_loader():
    spec = DataSpec(size=7, batch_size=3, seed=5, drop_last=True, num_workers=0)
    namespace = {"DataLoader": DataLoader, "torch": torch}
    exec(spec.code, namespace)  # the line the student reads is the loader the lesson draws
    assert [b.tolist() for b in namespace["loader"]] == engine_epochs(data_trace(spec))[0]
    assert "generator" not in DataSpec(shuffle=False).code and "num_workers=2" in DataSpec().code


# Refusals, in torch's words ---------------------------------------------------


@pytest.mark.parametrize("seed", [SEED_HIGH + 1, SEED_LOW - 1])
def test_seeds_outside_manual_seeds_range_are_refused_in_its_words(seed):
    assert torch.Generator().manual_seed(SEED_HIGH).initial_seed() == SEED_HIGH
    torch.Generator().manual_seed(SEED_LOW)
    error = spec_error(lambda: DataSpec(seed=seed))
    assert error.code == "loader_seed_range"
    assert error.torch_message == torch_error(lambda: torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(
    "options, code, call",
    [
        (dict(num_workers=-1), "loader_workers_negative", lambda: DataLoader(range(5), num_workers=-1)),
        (dict(size=0), "loader_size_range", lambda: DataLoader(range(0), shuffle=True)),
        (dict(size=-3), "loader_size_range", lambda: DataLoader(range(-3), shuffle=True)),
        (dict(batch_size=0), "loader_batch_size", lambda: DataLoader(range(5), batch_size=0)),
        (dict(batch_size=-2), "loader_batch_size", lambda: DataLoader(range(5), batch_size=-2)),
        (
            dict(num_workers=-1, batch_size=0),
            "loader_workers_negative",
            lambda: DataLoader(range(5), num_workers=-1, batch_size=0),
        ),
        (dict(size=0, batch_size=0), "loader_size_range", lambda: DataLoader(range(0), batch_size=0, shuffle=True)),
    ],
)
def test_dataloader_refusals_quote_torch_in_its_order(options, code, call):
    error = spec_error(lambda: DataSpec(**options))
    assert (error.code, error.torch_message) == (code, torch_error(call))


def test_refusals_of_this_lesson_alone_name_the_bound():
    assert spec_error(lambda: DataSpec(size=0, shuffle=False)).torch_message is None  # torch yields no batch
    assert list(DataLoader(range(0))) == []
    for options, code in [
        (dict(size=MAX_SIZE + 1), "loader_size_range"),
        (dict(batch_size=MAX_SIZE + 1), "too_big"),
        (dict(num_workers=9), "too_big"),
        (dict(epochs=0), "loader_epochs_range"),
        (dict(epochs=11), "loader_epochs_range"),
        (dict(size=2.0), "not_an_integer"),
        (dict(seed=True), "not_an_integer"),
        (dict(normalize="median"), "loader_unknown_normalize"),
    ]:
        assert spec_error(lambda: data_trace(DataSpec(**options))).code == code  # noqa: B023


def test_the_attribute_error_of_dataiter_next_is_pythons_for_torchs_iterators():
    for workers in (0, 1):
        spec = DataSpec(num_workers=workers, size=4, batch_size=2)
        iterator = iter(DataLoader(range(4), batch_size=2, num_workers=workers))
        with pytest.raises(AttributeError) as caught:
            iterator.next()
        assert spec.attribute_error() == str(caught.value)
        assert type(iterator).__name__ == spec.iterator_class
        assert len(list(iterator)) == 2  # run to the end: the worker is shut down now, not when collected


def test_the_worker_warning_is_torchs_word_for_word():
    workers = usable_cpus() + 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DataLoader(range(4), num_workers=workers)
    assert DataSpec(num_workers=workers).worker_warning(usable_cpus()) == str(caught[0].message)
    assert DataSpec(num_workers=usable_cpus()).worker_warning(usable_cpus()) is None
    assert DataSpec(num_workers=0).worker_warning(1) is None


# The transform -----------------------------------------------------------------


@pytest.mark.parametrize("preset", list(NORMALIZE))
def test_every_uint8_value_transforms_as_torch_computes_it(preset):
    mean, std = (torch.as_tensor(v, dtype=torch.float32)[:, None] for v in NORMALIZE[preset])
    values = torch.arange(256, dtype=torch.uint8).repeat(3, 1)
    scaled = values.to(torch.float32).div(255)
    normalized = scaled.clone().sub_(mean).div_(std)
    for value in range(256):
        steps = transform_pixel((value, value, value), preset)
        assert [s.scaled for s in steps] == scaled[:, value].tolist()
        assert [s.normalized for s in steps] == normalized[:, value].tolist()


def test_the_course_numbers_and_their_arithmetic():
    r, g, b = transform_pixel((255, 0, 128), "course")
    assert (r.scaled, r.normalized, g.scaled, g.normalized) == (1.0, 1.0, 0.0, -1.0)
    assert r.arithmetic == "R 255 → 255/255 = 1.0 → (1.0 − 0.5)/0.5 = 1.0"
    assert b.arithmetic == "B 128 → 128/255 = 0.5019608 → (0.5019608 − 0.5)/0.5 = 0.003921628"


def test_pixels_are_parsed_and_out_of_range_refused_in_torchs_words():
    assert parse_pixel("(255, 0, 128)") == parse_pixel("255 0 128") == (255, 0, 128)
    error = spec_error(lambda: parse_pixel("256 0 0"))
    assert error.code == "loader_pixel_range"
    assert error.torch_message == torch_error(lambda: torch.tensor([256], dtype=torch.uint8))
    assert spec_error(lambda: parse_pixel("1 2")).code == "loader_pixel_count"
    assert spec_error(lambda: parse_pixel("1 x 3")).code == "not_an_integer"
    assert spec_error(lambda: parse_pixel("-1 0 0")).code == "loader_pixel_range"


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.text(max_size=12), st.text(st.sampled_from("0123456789 ,()-+_x"), max_size=14))
def test_typed_text_makes_a_spec_or_says_why(typed_count, typed_pixel):
    """What the edit dialog's fields go through: a valid spec, or a SpecError it can show; never anything else."""
    try:
        spec = DataSpec(size=parse_count(typed_count, "loader_size"), pixel=parse_pixel(typed_pixel))
    except SpecError as error:
        assert error.code.startswith("loader_") or error.code in {"not_an_integer", "too_big"}
        return
    assert data_trace(spec).step_count >= 1 and all(0 <= v <= 255 for v in spec.pixel)


# The checker child ----------------------------------------------------------------


def test_the_checker_agrees_and_runs_workers_only_where_it_is_quick():
    for spec in (
        DataSpec(),
        DataSpec(size=37, batch_size=5, drop_last=True, seed=2**40, pixel=(3, 200, 90), normalize="imagenet"),
    ):
        assert spec_from_json(json.loads(json.dumps(spec_to_json(spec)))) == spec
        assert torch_max_delta(spec) == 0
    assert DataSpec().checked_workers == 2 and DataSpec(size=5000, batch_size=1, num_workers=2).checked_workers == 0
    assert DataSpec(num_workers=8, epochs=2).checked_workers == 0  # 16 worker starts keep the one checker busy
    requests = io.StringIO(
        json.dumps({"id": 1, "lesson": "data", "spec": spec_to_json(DataSpec(num_workers=0))}) + "\n"
    )
    replies = io.StringIO()
    serve(requests, replies)
    assert json.loads(replies.getvalue()) == {"id": 1, "delta": 0.0}
