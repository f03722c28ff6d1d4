"""engine.module against torch: the course's Net run from the very source the lesson shows, the book's SimpleConvNet
rebuilt from torch layers, on random settings; the zero_grad story; the typed constructor arguments.

torch's words are taken from torch at test time (they differ between builds), never written here.
"""

from __future__ import annotations

import inspect
import io
import json
from dataclasses import replace

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_errors import spec_error
from torch import nn

from engine.errors import SpecError
from engine.module import ModuleSetup, module_trace
from engine.module_check import spec_from_json, spec_to_json, torch_max_delta
from engine.module_net import NET_SOURCE, net_table
from engine.module_parse import parse_arguments
from engine.module_simple import SimpleConvSpec, hyper_text, simple_table, stepped
from engine.module_torch import course_net_class, net_calls, simple_error
from engine.verify import serve
from tui.i18n import ASSETS

ISSUE_SHAPES = [
    (4, 6, 28, 28), (4, 6, 28, 28), (4, 6, 14, 14),
    (4, 16, 10, 10), (4, 16, 10, 10), (4, 16, 5, 5),
    (4, 400), (4, 120), (4, 120), (4, 84), (4, 84), (4, 10),
]  # fmt: skip


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """As in the checker child: tiny tensors on a busy machine take 20× longer with a thread per core."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# Refusals that are the lesson's own (torch would accept them, or fail elsewhere with other words)
OWN_RULES = {"module_at_least", "too_big", "module_not_square", "module_input_dim"}


def test_the_course_net_flows_as_the_issue_says_and_has_62006_parameters():
    table = net_table(4)
    assert table.input_shape == (4, 3, 32, 32)
    assert [row.out_shape for row in table.rows] == ISSUE_SHAPES
    assert table.total_params == 62_006 == sum(p.numel() for p in course_net_class()().parameters())
    calls = net_calls(4)
    assert [(call.shape, call.line) for call in calls] == [(row.out_shape, row.line) for row in table.rows]
    lines = NET_SOURCE.splitlines()
    assert [lines[row.line - 1][slice(*row.span)] for row in table.rows[:3]] == ["self.conv1", "F.relu", "self.pool"]
    assert lines[table.rows[6].line - 1].strip() == "x = x.view(-1, 16 * 5 * 5)"


@settings(max_examples=20, deadline=None, derandomize=True)
@given(batch=st.integers(1, 256))
def test_any_batch_agrees_with_the_real_net_and_the_view_infers_it(batch):
    setup = ModuleSetup(batch=batch)
    view = module_trace(setup).table.rows[6]
    assert view.out_shape == (batch, 400) and view.shape_line.endswith(f"= {batch}")
    assert torch_max_delta(setup) == 0.0


SIDE = st.integers(1, 36)
VALID = st.fixed_dictionaries(
    {
        "input_dim": st.tuples(st.integers(1, 3), SIDE).map(lambda drawn: (drawn[0], drawn[1], drawn[1])),
        "filter_num": st.integers(1, 12),
        "filter_size": st.integers(1, 12),
        "pad": st.integers(0, 4),
        "stride": st.integers(1, 4),
        "hidden_size": st.integers(1, 40),
        "output_size": st.integers(1, 12),
        "weight_init_std": st.sampled_from([0.01, 0.1, 0.0, 1.0, 1e-07]),
    }
)
# One setting made impossible in one of the ways torch (or the lesson) refuses, or none
BREAKS = st.sampled_from(
    [*[None] * 12, ("filter_num", 0), ("filter_size", 0), ("filter_size", -1), ("filter_num", -2), ("pad", -1),
     ("stride", 0), ("stride", -1), ("weight_init_std", -0.5), ("weight_init_std", -1e-07), ("hidden_size", 0)]
)  # fmt: skip
SIMPLE = st.tuples(VALID, BREAKS).map(lambda drawn: {**drawn[0], **dict([drawn[1]] if drawn[1] else [])})


@settings(max_examples=100, deadline=None, derandomize=True)
@given(options=SIMPLE)
def test_simple_conv_net_is_accepted_exactly_when_torch_runs_it_and_agrees_with_it(options):
    """A setting is refused with torch's own words where torch fails, and agrees with torch layer by layer where not."""
    try:
        spec = SimpleConvSpec(**options)
    except SpecError as error:
        assert error.code in OWN_RULES if error.torch_message is None else error.torch_message == simple_error(options)
        return
    assert simple_error(options) is None
    assert spec.book_pool_output == spec.flattened  # the book's own W2 fits
    for view in ("layers", "params"):
        assert torch_max_delta(ModuleSetup(model="simple", view=view, simple=spec)) == 0.0


BOOK = {"input_dim": (1, 28, 28), "filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1, "hidden_size": 100}
REFUSED_BY_TORCH = {
    "filter larger than the padded input": {"filter_size": 30},
    "conv output too small to pool": {"input_dim": (1, 5, 5)},
    "odd conv output": {"filter_size": 4},
    "fractional conv output": {"stride": 2},
    "negative pad": {"pad": -1},
    "stride 0": {"stride": 0},
    "negative stride": {"stride": -1},
    "no filters": {"filter_num": 0},
    "filter size 0": {"filter_size": 0},
    "negative filter size": {"filter_size": -1},
    "negative filter count": {"filter_num": -2},
    "negative std": {"weight_init_std": -0.5},
    "tiny negative std": {"weight_init_std": -1e-07},
}


@pytest.mark.parametrize("changes", REFUSED_BY_TORCH.values(), ids=REFUSED_BY_TORCH.keys())
def test_each_refusal_quotes_what_torch_says_for_the_same_network(changes):
    options = {**BOOK, "output_size": 10, "weight_init_std": 0.01, **changes}
    message = spec_error(lambda: SimpleConvSpec(**options)).torch_message
    assert message is not None and message == simple_error(options)


def test_the_books_defaults_have_433890_parameters_and_its_shapes():
    table = simple_table(SimpleConvSpec())
    assert table.total_params == 433_890
    assert [row.out_shape for row in table.rows] == [
        (30, 24, 24),
        (30, 24, 24),
        (30, 12, 12),
        (100,),
        (100,),
        (10,),
        (10,),
    ]
    assert [(p.book_name, p.book_shape, p.shape) for p in table.parameters[2:3]] == [("W2", (4320, 100), (100, 4320))]


def test_the_books_w2_formula_is_why_an_odd_conv_output_is_refused():
    error = spec_error(lambda: SimpleConvSpec(filter_size=4))
    assert error.code == "module_book_mismatch" and error.params["book"] == 4687 and error.params["actual"] == 4320
    book = {"input_dim": (1, 28, 28), "filter_num": 30, "filter_size": 4, "pad": 0, "stride": 1, "hidden_size": 100}
    assert error.torch_message == simple_error({**book, "output_size": 10, "weight_init_std": 0.01})


def test_keys_step_past_the_values_the_book_cannot_run_and_say_which():
    spec, skipped = stepped(SimpleConvSpec(), "filter_size", -1)
    assert (spec.filter_size, skipped) == (3, (4,))
    assert stepped(SimpleConvSpec(), "side", -1)[0].input_dim == (1, 26, 26)
    assert spec_error(lambda: stepped(SimpleConvSpec(), "pad", -1)).code == "module_negative"
    assert spec_error(lambda: stepped(SimpleConvSpec(), "stride", 1)).code == "module_book_mismatch"


def test_zero_grad_sets_to_none_by_default_as_the_lesson_says():
    """The lesson's claim, checked on this torch: set_to_none defaults to True for modules and optimizers."""
    assert inspect.signature(nn.Module.zero_grad).parameters["set_to_none"].default is True
    assert inspect.signature(torch.optim.Optimizer.zero_grad).parameters["set_to_none"].default is True


def test_a_wrong_engine_is_caught():
    setup = ModuleSetup()
    table = setup.table()
    wrong = replace(table, rows=(replace(table.rows[0], out_shape=(4, 6, 27, 27)), *table.rows[1:]))
    original = ModuleSetup.table
    try:
        ModuleSetup.table = lambda self: wrong
        assert torch_max_delta(setup) == 1.0
        ModuleSetup.table = lambda self: replace(table, rows=(replace(table.rows[0], line=15), *table.rows[1:]))
        assert torch_max_delta(setup) == float("inf")
    finally:
        ModuleSetup.table = original


def test_switching_views_keeps_the_layer():
    layers, params = module_trace(ModuleSetup()), module_trace(ModuleSetup(view="params"))
    assert params.index_at(layers.position(7)) == 4 and params.step(4).name == "fc1.weight"
    assert layers.index_at(params.position(5)) == 7
    assert params.index_at(layers.position(6)) == 4  # x.view owns nothing: the next layer's weight
    assert layers.index_at(layers.position(5)) == 5  # the second use of pool stays the second


@pytest.mark.parametrize(
    "text, code, column",
    [
        ("3", "module_positional", 1),
        ("foo=1", "module_unknown_argument", 1),
        ("hidden_size=5, stride=2", "module_in_conv_param", 16),
        ("hidden_size=1.5", "module_want_whole", 13),
        ("hidden_size=1, hidden_size=2", "module_repeated", 16),
        ("conv_param={'filter_num': 3}", "module_missing_key", 12),
        ("conv_param={'x': 3}", "module_unknown_key", 13),
        ("input_dim=[1, 2]", "module_input_dim", None),
        ("weight_init_std=__import__('os').getpid()", "module_want_number", 17),
        ("hidden_size=", "module_syntax", None),
        ("x" * 500, "module_text_too_long", None),
    ],
)
def test_typed_arguments_are_parsed_never_evaluated(text, code, column):
    error = spec_error(lambda: parse_arguments(text))
    assert error.code == code and (column is None or error.params["column"] == column)


def test_typed_arguments_round_trip_and_default_as_python_does():
    spec = SimpleConvSpec(
        input_dim=(3, 32, 32), filter_num=8, filter_size=3, pad=1, hidden_size=64, weight_init_std=0.1
    )
    assert parse_arguments(hyper_text(spec)) == spec
    assert parse_arguments("") == SimpleConvSpec() and parse_arguments("hidden_size=50").hidden_size == 50


def test_the_child_process_protocol_checks_a_setup():
    setup = ModuleSetup(model="simple", view="params", grad="zeros", simple=SimpleConvSpec(filter_size=3))
    assert spec_from_json(json.loads(json.dumps(spec_to_json(setup)))) == setup
    replies = io.StringIO()
    serve(io.StringIO(json.dumps({"id": 1, "lesson": "module", "spec": spec_to_json(setup)}) + "\n"), replies)
    assert json.loads(replies.getvalue()) == {"id": 1, "delta": 0.0}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lesson_text_quotes_the_engines_totals(lang):
    text = (ASSETS / "lessons" / lang / "module.md").read_text(encoding="utf-8")
    book = spec_error(lambda: SimpleConvSpec(filter_size=4)).params["book"]
    totals = [net_table().total_params, simple_table(SimpleConvSpec()).total_params]
    assert all(f"{total:,}" in text for total in totals) and f"{book}" in text
