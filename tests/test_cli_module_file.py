"""`tensortour module --file my_net.py:Net --input 3,32,32 --plain` as a student (or CI) runs it: the table on
stdout, exit 1 where the file does not run, exit 2 for flags the lesson refuses, and --help saying the file runs.

One run goes through the real processes; the others load in this process (the child's own code) or stop at the
flags, before any process would start.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
import torch
from module_zoo import VIEW, WRONG_IN_FEATURES
from test_cli import tensortour
from torch import nn

from engine.errors import SpecError
from engine.module import ModuleSetup
from engine.module_file import FileSpec
from engine.module_file_child import answer
from engine.module_file_result import OwnNet, load_from_json
from tui.cli import parse_args
from tui.flags.module import plain_status, setup_from
from tui.i18n import set_language
from tui.text.module_file import plain

MAIN = [
    sys.executable,
    "-c",
    "import sys; from tui.cli import main; code = main(sys.argv[1:]); "
    "print('torch in the parent:', 'torch' in sys.modules, file=sys.stderr); raise SystemExit(code)",
]
ROW = re.compile(r"^\s+(\d+)\s+(\d+)\s+(\S+)\s+(?:(\S+)\s+)?(\d+(?:×\d+)*)\s", re.MULTILINE)


def test_plain_prints_the_table_with_running_totals_and_the_students_prints_stay_out(tmp_path):
    path = tmp_path / "cli_net.py"
    path.write_text(VIEW.replace("class Net", 'print("loading my net")\n\n\nclass Net'))
    run = tensortour("module", "--file", f"{path}:Net", "--input", "3,32,32", "--batch", "4", "--plain", command=MAIN)
    assert run.returncode == 0, run.stderr
    assert "torch in the parent: False" in run.stderr  # the child process loaded it
    rows = ROW.findall(run.stdout)
    assert [(name, shape) for _, _, name, _, shape in rows][:3] == [
        ("conv1", "4×6×28×28"),
        ("F.relu", "4×6×28×28"),
        ("pool", "4×6×14×14"),
    ]
    assert ("22", "x.view", "4×400") in [(line, name, shape) for _, line, name, _, shape in rows]
    assert "Total: parameters 62,006 · multiply-adds 2,606,880 · forward() returns 4×10" in run.stdout
    assert "loading my net" not in run.stdout and "loading my net" in run.stderr  # as `python my_net.py` would


def test_a_file_that_does_not_run_prints_the_reason_and_exits_1(tmp_path):
    path = tmp_path / "cli_broken.py"
    path.write_text(WRONG_IN_FEATURES)
    spec = FileSpec(str(path), "Net", (3, 32, 32))
    own = OwnNet(spec).after(load_from_json(spec, json.loads(json.dumps(answer(spec.request())))))
    setup = ModuleSetup(model="file", own=own)
    try:
        nn.Linear(400, 120)(torch.zeros(1, 576))
    except RuntimeError as error:
        torch_words = str(error)
    printed = plain(own)
    assert plain_status(setup) == 1
    assert f"RuntimeError: {torch_words}" in printed and "use nn.Linear(576, 120)" in printed
    assert printed.index("torch.flatten") < printed.index("✗ cli_broken.py, line 20: forward() stopped in fc1")


@pytest.mark.parametrize(
    "args, code",
    [
        (["--input", "3,32,32"], "module_file_without_file"),
        (["--file", "{path}:Net"], "module_file_needs_input"),
        (["--file", "{missing}:Net", "--input", "3"], "module_file_missing"),
        (["--file", "{path}:Net", "--input", "3", "--watch", "--plain"], "module_file_watch_plain"),
        (["--file", "{path}:Net", "--input", "3", "--args", "open('x')"], "module_file_not_literal"),
        (["--file", "{path}:Net", "--input", "3,0"], "module_file_input"),
        (["--file", "{path}:Net", "--input", "3", "--filter-size", "3"], "module_flag_for_simple"),
        (["--file", "{path}:Net", "--input", "3", "--timeout", "0"], "module_file_timeout"),
    ],
    ids=["input alone", "no input", "no file", "watch and plain", "not a literal", "zero size", "book flag", "timeout"],
)
def test_flags_the_lesson_refuses_name_their_reason_before_anything_runs(tmp_path, args, code):
    path = tmp_path / "flagged.py"
    path.write_text(VIEW)
    filled = [arg.format(path=path, missing=tmp_path / "nope.py") for arg in args]
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["module", *filled]))
    assert caught.value.code == code


def test_a_refusal_exits_2_and_help_says_the_file_runs(tmp_path):
    set_language("en")
    run = tensortour("module", "--file", str(tmp_path / "nope.py:Net"), "--input", "3", "--plain")
    assert run.returncode == 2 and "There is no file" in run.stderr and "Traceback" not in run.stderr
    shown = tensortour("module", "--help").stdout
    assert "RUNS THE PYTHON CODE IN THAT FILE" in shown and "Nothing runs unless you name a file" in shown
