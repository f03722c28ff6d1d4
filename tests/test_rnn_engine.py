"""The RNN lesson's engine against torch.nn.RNN, and the language model's data and network.

Every number the unrolled lesson shows comes from rnn_trace(); here it is
compared with torch.nn.RNN on Hypothesis-generated sizes, weights, sequences
and initial states, and torch's own error messages are compared word for word.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine import verify
from engine.errors import SpecError
from engine.numbers import fmt
from engine.rnn import MAX_HIDDEN, MAX_INPUT, MAX_STEPS, RnnSpec, rnn_trace
from engine.rnn_check import spec_from_json, spec_to_json, torch_max_delta
from engine.rnn_setup import (
    MAX_SEED,
    SEQUENCES,
    RnnSetup,
    language_model_config,
    parse_count,
    seeded_weights,
)
from engine.train.char_rnn import CharRNN
from engine.train.char_text import (
    SEQUENCE,
    TEXT_FILE,
    decode,
    encode,
    load_text_dataset,
    vocabulary,
)
from engine.train.config import TrainConfig

FLOATS = st.floats(-3, 3, allow_nan=False, width=64)


def torch_rnn(spec: RnnSpec, batch_first: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """torch.nn.RNN's output (T×H) and h_n (H) with the spec's weights, in float64."""
    rnn = torch.nn.RNN(spec.input_size, spec.hidden_size, batch_first=batch_first, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(spec.w_ih))
        rnn.weight_hh_l0.copy_(torch.tensor(spec.w_hh))
        rnn.bias_ih_l0.copy_(torch.tensor(spec.b_ih))
        rnn.bias_hh_l0.copy_(torch.tensor(spec.b_hh))
        x = torch.tensor(spec.sequence)[None] if batch_first else torch.tensor(spec.sequence)[:, None]
        output, h_n = rnn(x, torch.tensor(spec.h0)[None, None])
    return (output[0] if batch_first else output[:, 0]).numpy(), h_n[0, 0].numpy()


@st.composite
def specs(draw) -> RnnSpec:
    steps, inputs, hidden = (
        draw(st.integers(1, MAX_STEPS)),
        draw(st.integers(1, MAX_INPUT)),
        draw(st.integers(1, MAX_HIDDEN)),
    )
    return RnnSpec(
        sequence=draw(arrays(np.float64, (steps, inputs), elements=FLOATS)),
        w_ih=draw(arrays(np.float64, (hidden, inputs), elements=FLOATS)),
        w_hh=draw(arrays(np.float64, (hidden, hidden), elements=FLOATS)),
        b_ih=draw(arrays(np.float64, (hidden,), elements=FLOATS)),
        b_hh=draw(arrays(np.float64, (hidden,), elements=FLOATS)),
        h0=draw(arrays(np.float64, (hidden,), elements=st.floats(-1, 1, width=64))),
    )


@settings(max_examples=60, derandomize=True, deadline=None)
@given(specs(), st.booleans())
def test_every_hidden_state_matches_torch_nn_rnn(spec, batch_first):
    trace = rnn_trace(spec)
    output, h_n = torch_rnn(spec, batch_first)
    np.testing.assert_allclose(trace.output, output, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.h_n, h_n, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(trace.hidden[0], spec.h0)


@settings(max_examples=30, derandomize=True, deadline=None)
@given(specs())
def test_each_step_spells_out_torchs_numbers(spec):
    """Step by step: the two sums, the tanh and the value are torch's (pre-activation from the weights directly)."""
    trace = rnn_trace(spec)
    output, _ = torch_rnn(spec)
    states = np.vstack([spec.h0, output])
    assert trace.step_count == spec.steps * spec.hidden_size
    for index in range(trace.step_count):
        step = trace.step(index)
        t, j = step.t, step.unit
        assert (t, j) == (index // spec.hidden_size + 1, index % spec.hidden_size)
        input_part = float(torch.tensor(spec.w_ih[j]) @ torch.tensor(spec.sequence[t - 1]) + spec.b_ih[j])
        hidden_part = float(torch.tensor(spec.w_hh[j]) @ torch.tensor(states[t - 1]) + spec.b_hh[j])
        assert step.input_part == pytest.approx(input_part, abs=1e-12)
        assert step.hidden_part == pytest.approx(hidden_part, abs=1e-12)
        assert step.value == pytest.approx(output[t - 1, j], abs=1e-12)
        assert step.h_prev == pytest.approx(tuple(states[t - 1]), abs=1e-12)
        assert step.lines[2].startswith(f"h{t}[{j}] = tanh({fmt(step.input_part)} + ")
        assert step.lines[2].endswith(f") = tanh({fmt(step.pre)}) = {fmt(output[t - 1, j])}")
        assert step.lines[0].count("×") == spec.input_size and step.lines[1].count("×") == spec.hidden_size


def test_default_lesson_first_step_reads_like_the_course():
    trace = rnn_trace(RnnSetup().spec())
    assert trace.step(0).lines == (
        "W_ih[0]·x1 + b_ih[0] = 0.2×1 + (-0.3)×0 + (-0.4) = -0.2",
        "W_hh[0]·h0 + b_hh[0] = 0.1×0 + 0.3×0 + 0.1×0 + (-0.2) = -0.2",
        f"h1[0] = tanh(-0.2 + (-0.2)) = tanh(-0.4) = {fmt(np.tanh(-0.4))}",
    )
    assert trace.filled(0) == 4 and trace.filled(trace.step_count + 5) == 3 * 5
    assert trace.step(-3).index == 0 and trace.step(99).index == trace.step_count - 1
    assert trace.x_labels == ["x1", "x2", "x3", "x4"] and trace.h_labels == [
        "h0",
        "h1",
        "h2",
        "h3",
        "h4",
    ]


@settings(max_examples=20, derandomize=True, deadline=None)
@given(specs())
def test_the_verify_protocol_round_trips_and_agrees(spec):
    again = spec_from_json(json.loads(json.dumps(spec_to_json(spec))))
    for name in ("sequence", "w_ih", "w_hh", "b_ih", "b_hh", "h0"):
        np.testing.assert_array_equal(getattr(again, name), getattr(spec, name))
    assert torch_max_delta(spec) <= 1e-12


def test_the_verify_server_answers_for_the_rnn_lesson():
    spec = RnnSetup(sequence_name="pulse", hidden_size=4, seed=7).spec()
    replies = io.StringIO()
    verify.serve(
        io.StringIO(json.dumps({"id": 3, "lesson": "rnn", "spec": spec_to_json(spec)}) + "\n"),
        replies,
    )
    reply = json.loads(replies.getvalue())
    assert reply["id"] == 3 and reply["delta"] <= 1e-12


def spec_error(**changes) -> SpecError:
    base = {
        "sequence": np.ones((3, 2)),
        "w_ih": np.ones((2, 2)),
        "w_hh": np.ones((2, 2)),
        "b_ih": np.ones(2),
        "b_hh": np.ones(2),
    }
    with pytest.raises(SpecError) as caught:
        RnnSpec(**{**base, **changes})
    return caught.value


def test_invalid_specs_are_refused_in_torchs_words():
    with pytest.raises(ValueError) as torch_error:
        torch.nn.RNN(2, 0)
    error = spec_error(w_ih=np.ones((0, 2)), w_hh=np.ones((0, 0)), b_ih=np.ones(0), b_hh=np.ones(0))
    assert error.code == "rnn_hidden_range" and error.torch_message == str(torch_error.value)
    with pytest.raises(RuntimeError) as torch_error:
        torch.nn.RNN(3, 2)(torch.zeros(3, 1, 2))
    error = spec_error(w_ih=np.ones((2, 3)))
    assert error.code == "rnn_input_size" and error.torch_message == str(torch_error.value)
    assert spec_error(w_hh=np.ones((2, 3))).params == {
        "what": "w_hh",
        "expected": "2×2",
        "got": "2×3",
    }
    assert spec_error(b_hh=np.ones(3)).code == "rnn_shape"
    assert spec_error(h0=np.ones(1)).params["what"] == "h0"
    assert spec_error(sequence=np.ones((MAX_STEPS + 1, 2))).code == "rnn_steps_range"
    assert spec_error(sequence=np.ones((3, MAX_INPUT + 1)), w_ih=np.ones((2, MAX_INPUT + 1))).code == "rnn_input_range"
    assert spec_error(b_ih=np.array([1.0, np.nan])).params == {
        "what": "rnn_b_ih",
        "token": "nan",
    }
    with pytest.raises(SpecError) as caught:
        rnn_trace(
            RnnSpec(
                np.full((2, 2), 1e308),
                np.ones((2, 2)),
                np.ones((2, 2)),
                np.ones(2),
                np.ones(2),
            )
        )
    assert caught.value.code == "rnn_overflow"


# The setup: presets, seeded weights, keys ----------------------------------------------


@pytest.mark.parametrize("hidden", range(1, MAX_HIDDEN + 1))
def test_seeded_weights_lie_in_torchs_init_range_rounded_to_one_decimal(hidden):
    w_ih, w_hh, b_ih, b_hh = seeded_weights(5, 3, hidden)
    assert (w_ih.shape, w_hh.shape, b_ih.shape, b_hh.shape) == (
        (hidden, 3),
        (hidden, hidden),
        (hidden,),
        (hidden,),
    )
    bound = round(1 / np.sqrt(hidden), 1)
    for weights in (w_ih, w_hh, b_ih, b_hh):
        assert np.all(np.abs(weights) <= bound + 1e-12)
        np.testing.assert_array_equal(weights, np.round(weights, 1))
    np.testing.assert_array_equal(seeded_weights(5, 3, hidden)[1], w_hh)


def test_setup_keys_and_presets():
    setup = RnnSetup()
    assert (setup.sequence_name, setup.hidden_size, setup.seed) == ("mix", 3, 0)
    assert setup.spec().parameters == 3 * 2 + 3 * 3 + 3 + 3
    assert [setup := setup.with_next_sequence() for _ in SEQUENCES][-1].sequence_name == "mix"
    assert RnnSetup().with_hidden_step(1).spec().hidden_size == 4
    assert RnnSetup(seed=MAX_SEED).with_next_seed().seed == 0
    custom = RnnSetup().with_sequence(np.array([[1.0], [2.0]]))
    assert custom.sequence_name == "custom" and custom.spec().input_size == 1
    assert RnnSetup().with_sequence(RnnSetup().sequence.copy()).sequence_name == "mix"
    for make, code in (
        (
            lambda: RnnSetup(hidden_size=MAX_HIDDEN).with_hidden_step(1),
            "rnn_hidden_range",
        ),
        (lambda: RnnSetup(hidden_size=1).with_hidden_step(-1), "rnn_hidden_range"),
        (lambda: RnnSetup(seed=-1), "rnn_seed_range"),
        (lambda: RnnSetup(sequence_name="nope"), "unknown_preset"),
        (lambda: parse_count("2.5", "rnn_hidden"), "not_an_integer"),
    ):
        with pytest.raises(SpecError) as caught:
            make()
        assert caught.value.code == code
    assert parse_count(" 4 ", "rnn_seed") == 4


# The language model: data and network ------------------------------------------------------


def test_text_dataset_is_next_character_windows_of_the_bundled_text():
    text = TEXT_FILE.read_text(encoding="utf-8")
    config = language_model_config()
    data = load_text_dataset(config)
    assert data.kind == "text" and data.source == "assets/data/sonnets.txt" and data.extent is None
    assert data.class_names == tuple(sorted(set(text))) == vocabulary(text)
    assert data.input_shape == (SEQUENCE,) and SEQUENCE == 32
    assert data.x_train.dtype == data.y_train.dtype == torch.int64
    total = len(data.x_train) + len(data.x_test)
    assert total == len(text) // SEQUENCE - 1 or total == len(text) // SEQUENCE
    assert len(data.x_train) == round(total * config.train_split)
    starts = set()
    for x, y in zip(torch.cat([data.x_train, data.x_test]), torch.cat([data.y_train, data.y_test])):
        window = decode(x.tolist(), data.class_names)
        start = text.index(window + decode(y[-1:].tolist(), data.class_names))
        assert decode(y.tolist(), data.class_names) == text[start + 1 : start + 1 + SEQUENCE]
        starts.add(start)
    assert len(starts) == total and all((b - a) % SEQUENCE == 0 for a, b in zip(sorted(starts), sorted(starts)[1:]))
    same = load_text_dataset(config)
    assert torch.equal(same.x_train, data.x_train) and torch.equal(same.y_test, data.y_test)
    other = load_text_dataset(config.with_changes(seed=1))
    assert not torch.equal(other.x_train[: len(data.x_train)], data.x_train[: len(other.x_train)])
    assert encode("Shall I", data.class_names) == [data.class_names.index(c) for c in "Shall I"]


def test_char_rnn_is_the_lessons_rnn_on_one_hot_characters():
    """With 4 characters and 3 units, CharRNN's hidden states are rnn_trace()'s on the one-hot sequence."""
    torch.manual_seed(0)
    model = CharRNN(4, 3).double()
    x = torch.tensor([[2, 0, 3, 3, 1]])
    logits, h_n = model.step(x)
    assert model(x).shape == (1, 5, 4) and torch.equal(logits, model(x))
    rnn = model.rnn
    spec = RnnSpec(
        np.eye(4)[x[0].numpy()],
        *(getattr(rnn, name).detach().numpy() for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")),
    )
    trace = rnn_trace(spec)
    np.testing.assert_allclose(h_n[0, 0].detach().numpy(), trace.h_n, atol=1e-12)
    expected = trace.output @ model.fc.weight.detach().numpy().T + model.fc.bias.detach().numpy()
    np.testing.assert_allclose(logits[0].detach().numpy(), expected, atol=1e-12)


def test_sampling_is_deterministic_per_generator_and_leaves_the_mode_alone():
    torch.manual_seed(0)
    model = CharRNN(6, 8)

    def draw(seed, temperature=1.0):
        return model.sample([1, 2], 30, temperature, torch.Generator().manual_seed(seed))

    first = draw(0)
    assert len(first) == 30 and all(0 <= i < 6 for i in first) and model.training
    assert draw(0) == first and draw(1) != first
    greedy = draw(0, 0.0)
    assert greedy == draw(5, 0.0)
    logits, hidden = model.step(torch.tensor([[1, 2]]))
    chain = []
    for _ in range(30):
        chain.append(int(logits[0, -1].argmax()))
        logits, hidden = model.step(torch.tensor([[chain[-1]]]), hidden)
    assert greedy == chain
    model.eval()
    draw(0)
    assert not model.training
    for prefix, length, temperature in (([], 3, 1.0), ([1], -1, 1.0), ([1], 3, -0.5)):
        with pytest.raises(ValueError):
            model.sample(prefix, length, temperature, torch.Generator())


def test_a_few_steps_of_training_lower_the_loss():
    config = language_model_config()
    assert isinstance(config, TrainConfig) and (config.dataset, config.model) == (
        "text",
        "charrnn",
    )
    data = load_text_dataset(config)
    torch.manual_seed(0)
    model = CharRNN(len(data.class_names), 32)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr * 2)
    x, y = data.x_train[:32], data.y_train[:32]
    losses = []
    for _ in range(40):
        loss = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[0] == pytest.approx(np.log(len(data.class_names)), abs=0.3)
    assert losses[-1] < losses[0] - 0.7
