"""The student's own network (`module --file`) against torch: a zoo of small modules, loaded by the engine, compared
with torch run on the same text here (hooks for shapes, parameters() for counts, FlopCounterMode for multiply-adds);
then the files that do not run, each with its own message.

The loads run the child's code in this process (engine.module_file_child.answer), so that torch is imported once;
one test goes through the real child process. torch's and Python's words are taken from them at test time.
"""

from __future__ import annotations

import json

import pytest
import torch
from module_zoo import (
    CONSTRUCTOR_RAISES,
    LOOPS_FOREVER,
    NOT_A_MODULE,
    SYNTAX_ERROR,
    VIEW,
    WRONG_IN_FEATURES,
    ZOO,
)
from spec_errors import spec_error
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from engine.errors import SpecError
from engine.module import ModuleSetup, module_trace
from engine.module_file import FileSpec, call_arguments, parse_target
from engine.module_file_child import answer, warm_up
from engine.module_file_hint import hint
from engine.module_file_result import OwnNet, load_from_json
from engine.module_file_run import load


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """As in the child: one thread, and torch's lazy imports done before any timeout starts."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    warm_up()
    yield
    torch.set_num_threads(threads)


def write(tmp_path, text: str, stem: str = "my_net") -> str:
    path = tmp_path / f"{stem}.py"
    path.write_text(text)
    return str(path)


def load_here(spec: FileSpec):
    """What the child would answer, computed in this process, through JSON as the child sends it."""
    return load_from_json(spec, json.loads(json.dumps(answer(spec.request()))))


def torch_model(text: str, args: str):
    """The same file's class built here, independently of the engine, on the meta device."""
    namespace: dict = {}
    exec(compile(text, "zoo", "exec"), namespace)  # our own test text
    positional, keywords = call_arguments(args)
    with torch.device("meta"):
        return namespace["Net"](*positional, **keywords)


def module_outputs(model: nn.Module, x: torch.Tensor) -> list[tuple[str, tuple]]:
    """Each module without children, as it is called, with the shape of the first tensor it returns."""
    seen: list[tuple[str, tuple]] = []
    for name, module in model.named_modules():
        if next(module.children(), None) is None:
            module.register_forward_hook(
                lambda _m, _i, out, name=name: seen.append(
                    (name, tuple((out[0] if isinstance(out, tuple) else out).shape))
                )
            )
    with torch.no_grad():
        model(x)
    return seen


@pytest.mark.parametrize("name", ZOO)
def test_the_zoo_matches_torch_shapes_parameters_and_flop_counter(tmp_path, name):
    text, shape, args = ZOO[name]
    spec = FileSpec(write(tmp_path, text, f"zoo_{name}"), "Net", shape, batch=2, args=args)
    result = load_here(spec)
    assert result.ok, result.failure
    model = torch_model(text, args)
    x = torch.empty(2, *shape, device="meta")
    modules = [(row.name, row.out_shape) for row in result.table.rows if not row.function]
    assert modules == module_outputs(model, x)
    total = sum(p.numel() for p in model.parameters())
    assert result.table.total_params == total
    unused = sum(count for _, count in result.unused)
    assert sum(row.params for row in result.table.rows) == result.counted_params == total - unused
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        out = model(x)
    assert result.total_macs == sum(row.macs for row in result.table.rows) == counter.get_total_flops() // 2
    by_module = counter.get_flop_counts()  # a module called twice: both calls together
    for module in {row.name for row in result.table.rows if not row.function}:
        macs = sum(row.macs for row in result.table.rows if row.name == module and not row.function)
        assert macs == sum(by_module.get(f"Net.{module}", {}).values()) // 2, module
    assert result.outputs == (tuple(out.shape),)


def test_view_and_functions_in_forward_are_steps_with_shapes_before_and_after(tmp_path):
    result = load_here(FileSpec(write(tmp_path, VIEW, "zoo_view_steps"), "Net", (3, 32, 32), batch=4))
    view = next(row for row in result.table.rows if row.function and row.kind == ".view")
    assert (view.in_shape, view.out_shape, view.arguments) == ((4, 16, 5, 5), (4, 400), "-1, 400")
    assert VIEW.splitlines()[view.line - 1].strip() == "x = x.view(-1, 16 * 5 * 5)"
    source = result.table.source[view.line - 1]
    assert source[slice(*view.span)] == "x.view(-1, 16 * 5 * 5)"
    conv1 = result.table.rows[0]
    assert (conv1.name, conv1.defined_at, result.table.source[conv1.defined_at - 1].strip()) == (
        "conv1",
        9,
        "self.conv1 = nn.Conv2d(3, 6, 5)",
    )
    assert [row.kind for row in result.table.rows].count("F.relu") == 4


def test_a_module_called_twice_counts_its_parameters_once_and_an_unused_one_is_said(tmp_path):
    text, shape, _ = ZOO["residual"]
    result = load_here(FileSpec(write(tmp_path, text, "zoo_residual_twice"), "Net", shape))
    calls = [row for row in result.table.rows if row.name == "block.conv1"]
    assert len(calls) == 2 and calls[0].params == 16 * 16 * 9 + 16 and calls[1].params == 0
    adds = [row for row in result.table.rows if row.function and row.within == "block" and row.kind == ".add"]
    assert len(adds) == 2 and adds[0].out_shape == (1, 16, 8, 8)
    assert result.unused == (("unused.weight", 25), ("unused.bias", 5))


def _torch_linear_words() -> str:
    try:
        nn.Linear(400, 120)(torch.zeros(1, 576))
    except RuntimeError as error:
        return str(error)
    raise AssertionError("torch multiplied 1×576 by 400×120")


def test_wrong_in_features_names_the_layer_the_shape_torchs_words_and_what_fits(tmp_path):
    result = load_here(FileSpec(write(tmp_path, WRONG_IN_FEATURES, "broken_linear"), "Net", (3, 32, 32)))
    failure = result.failure
    assert failure.kind == "forward" and failure.place.name == "fc1" and failure.place.in_shape == (1, 576)
    assert failure.torch_words == _torch_linear_words()
    assert WRONG_IN_FEATURES.splitlines()[failure.line - 1].strip() == "x = F.relu(self.fc1(x))"
    advice = hint(result)
    assert advice.key == "fix_linear_maps"
    assert advice.fill() == {"expected": 400, "factors": "16×6×6 = 576", "call": "nn.Linear(576, 120)"}
    assert [row.name for row in result.table.rows][-1] == "torch.flatten"  # the rows that ran, up to the break


def test_linear_before_flatten_and_a_conv_with_other_channels(tmp_path):
    no_flatten = WRONG_IN_FEATURES.replace("        x = torch.flatten(x, 1)\n", "")
    result = load_here(FileSpec(write(tmp_path, no_flatten, "broken_flatten"), "Net", (3, 32, 32)))
    assert hint(result).key == "fix_flatten" and hint(result).fill()["factors"] == "16×6×6 = 576"
    gray = load_here(FileSpec(write(tmp_path, VIEW, "broken_channels"), "Net", (1, 32, 32)))
    advice = hint(gray)
    assert gray.failure.place.name == "conv1" and advice.key == "fix_channels"
    assert advice.fill()["call"] == "nn.Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"


def test_a_syntax_error_gives_file_line_and_pythons_message(tmp_path):
    result = load_here(FileSpec(write(tmp_path, SYNTAX_ERROR, "broken_syntax"), "Net", (3,)))
    with pytest.raises(SyntaxError) as python:
        compile(SYNTAX_ERROR, "x", "exec")
    failure = result.failure
    assert (failure.kind, failure.line, failure.message) == ("syntax", python.value.lineno, python.value.msg)
    assert failure.code == "class Net(nn.Module)" and result.table.rows == ()


@pytest.mark.parametrize(
    "text, class_name, kind, names",
    [
        (VIEW, "Nett", "missing_class", ("Net",)),
        (NOT_A_MODULE, "Net", "not_module", ()),
        (ZOO["nested"][0], "", "which_class", ("Block", "Net")),
        ("import no_such_package_here\n", "Net", "load", ()),
    ],
    ids=["missing", "not a module", "two classes", "import error"],
)
def test_a_class_that_is_not_there_or_not_a_module(tmp_path, text, class_name, kind, names):
    failure = load_here(FileSpec(write(tmp_path, text, f"broken_{kind}"), class_name, (3,))).failure
    assert failure.kind == kind and failure.names == names
    if kind == "load":
        assert failure.error_type == "ModuleNotFoundError" and failure.line == 1


def test_the_one_module_class_of_a_file_needs_no_name(tmp_path):
    result = load_here(FileSpec(write(tmp_path, VIEW, "one_class"), "", (3, 32, 32)))
    assert result.ok and result.table.title == "Net"


def test_a_constructor_that_raises_or_is_given_other_arguments(tmp_path):
    raising = load_here(FileSpec(write(tmp_path, CONSTRUCTOR_RAISES, "broken_init"), "Net", (3,))).failure
    assert (raising.kind, raising.error_type, raising.message) == ("constructor", "ValueError", "no weights file here")
    assert raising.code == 'raise ValueError("no weights file here")'
    extra = load_here(FileSpec(write(tmp_path, VIEW, "extra_args"), "Net", (3, 32, 32), args="10")).failure
    assert extra.kind == "constructor" and extra.error_type == "TypeError"


def test_a_forward_that_never_ends_is_stopped_with_the_line_it_was_on(tmp_path):
    spec = FileSpec(write(tmp_path, LOOPS_FOREVER, "broken_loop"), "Net", (3,), timeout=0.3)
    failure = load_here(spec).failure
    assert (failure.kind, failure.phase) == ("timeout", "forward") and failure.code in ("while True:", "pass")


def test_through_the_child_process_prints_stay_out_of_the_replies(tmp_path):
    """The real process: the student's print goes to stderr, the reply still parses; the loop is stopped there too."""
    text = LOOPS_FOREVER.replace("class Net", 'print("hello from the student")\n\n\nclass Net')
    failure = load(FileSpec(write(tmp_path, text, "child_loop"), "Net", (3,), timeout=0.5)).failure
    assert failure.kind == "timeout" and failure.code in ("while True:", "pass")


def test_a_file_that_is_gone_is_said_without_a_process(tmp_path):
    path = write(tmp_path, VIEW, "gone")
    spec = FileSpec(path, "Net", (3, 32, 32))
    (tmp_path / "gone.py").unlink()
    assert load(spec).failure.kind == "missing_file"


def test_the_last_good_table_stays_while_the_file_is_broken(tmp_path):
    spec = FileSpec(write(tmp_path, VIEW, "kept"), "Net", (3, 32, 32))
    good = load_here(spec)
    write(tmp_path, SYNTAX_ERROR, "kept")
    own = OwnNet(spec).after(good).after(load_here(spec))
    assert own.shown is good and own.stale and own.failure.kind == "syntax"
    trace = module_trace(ModuleSetup(model="file", own=own))
    assert trace.step_count == len(good.table.rows) and trace.macs_so_far[-1] == good.total_macs
    assert trace.params_so_far[-1] == 62_006 == sum(p.numel for p in good.table.parameters)


@pytest.mark.parametrize(
    "text, code",
    [
        ("10, widths=(16, 32)", None),
        ("__import__('os')", "module_file_not_literal"),
        ("*sizes", "module_file_starred"),
        ("a=1, a=2", "module_repeated"),
        ("1,, 2", "module_syntax"),
        ("1) + f(2", "module_one_call"),
    ],
    ids=["literals", "a call", "starred", "repeated", "syntax", "two calls"],
)
def test_arguments_are_literals_never_evaluated(text, code):
    if code is None:
        assert call_arguments(text) == ((10,), {"widths": (16, 32)})
    else:
        with pytest.raises(SpecError) as caught:
            call_arguments(text)
        assert caught.value.code == code


def test_a_file_that_is_not_there_or_a_name_that_is_not_python(tmp_path):
    assert spec_error(lambda: parse_target(str(tmp_path / "nope.py:Net"))).code == "module_file_missing"
    path = write(tmp_path, VIEW, "named")
    assert parse_target(f"{path}:Net") == (path, "Net") and parse_target(path) == (path, "")
    assert spec_error(lambda: FileSpec(path, "Net", (3, 0, 2))).code == "module_file_input"
    assert spec_error(lambda: FileSpec(path, "Net", (3,), timeout=0)).code == "module_file_timeout"


def test_a_helper_module_beside_the_file_is_imported_afresh_on_each_load(tmp_path):
    """A student's net imports their own blocks.py: an edit there counts on the next load, as a new `python` would."""
    helper = tmp_path / "student_blocks.py"
    helper.write_text("import torch.nn as nn\n\n\ndef block():\n    return nn.Linear(4, 8)\n")
    text = "import torch.nn as nn\nfrom student_blocks import block\n\n\nclass Net(nn.Module):\n"
    text += "    def __init__(self):\n        super().__init__()\n        self.fc = block()\n\n"
    text += "    def forward(self, x):\n        return self.fc(x)\n"
    spec = FileSpec(write(tmp_path, text, "uses_blocks"), "Net", (4,))
    assert load_here(spec).outputs == ((1, 8),)
    helper.write_text("import torch.nn as nn\n\n\ndef block():\n    return nn.Linear(4, 16)\n")
    assert load_here(spec).outputs == ((1, 16),)


def test_indices_for_an_embedding_come_with_dtype_long(tmp_path):
    text = "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    text += "        self.emb = nn.Embedding(100, 16)\n\n    def forward(self, x):\n        return self.emb(x)\n"
    path = write(tmp_path, text, "embedded")
    floats = load_here(FileSpec(path, "Net", (7,)))
    assert floats.failure.place.name == "emb" and hint(floats).key == "fix_dtype"
    assert load_here(FileSpec(path, "Net", (7,), dtype="long")).outputs == ((1, 7, 16),)


DEVICE_MOVES = """import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2).to("cuda")

    def forward(self, x):
        x = x.cuda().to("cpu", torch.float64).float()
        if x.sum() > 0:
            x = -x
        return self.fc(x)
"""


def test_device_moves_keep_the_meta_device_and_reading_numbers_says_why_it_cannot(tmp_path):
    """A student on a GPU server writes .to("cuda"): shapes do not depend on the device, so the table goes on;
    an if on a tensor's value cannot, and the advice says why (torch's words quoted, not written here)."""
    moved = load_here(
        FileSpec(
            write(tmp_path, DEVICE_MOVES.replace("        if x.sum() > 0:\n            x = -x\n", ""), "moves"),
            "Net",
            (4,),
        )
    )
    assert moved.ok and [row.kind for row in moved.table.rows] == [".cuda", ".to", ".float", "Linear"]
    reading = load_here(FileSpec(write(tmp_path, DEVICE_MOVES, "reads"), "Net", (4,)))
    assert reading.failure.line == 12 and hint(reading).key == "fix_meta"
