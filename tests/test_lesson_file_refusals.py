"""A lesson file is data: whatever it holds is refused with the file, line and field named, or read; nothing runs.

Every refusal is a LessonFileError whose text starts `FILE:LINE: FIELD:`; fuzzed
text and fuzzed tables never raise anything else; values written as Python code
reach the lessons' parsers as text and are never evaluated (an audit hook
watches, in a child interpreter).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from subprocess_support import last_json

from tui.i18n import set_language
from tui.lesson_file import MAX_BYTES, LessonFileError, file_actions, parse_lesson_file, read_lesson_file
from tui.lesson_file_text import toml_string, toml_value
from tui.lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def refusal(text: str, lang: str = "en") -> str:
    set_language(lang)
    with pytest.raises(LessonFileError) as caught:
        parse_lesson_file(text.encode(), "lesson.toml")
    return caught.value.text()


@pytest.mark.parametrize(
    "text, where, words",
    [
        ('lesson = "conv"\n[setup]\npadding = "1"\n', "lesson.toml:3: setup.padding:", "whole number, got text"),
        ('lesson = "conv"\n[setup]\nstride = 1.5\n', "lesson.toml:3: setup.stride:", "got a number with a point"),
        ('lesson = "conv"\n[setup]\n\ninput = true\n', "lesson.toml:4: setup.input:", "text in quotes"),
        ('lesson = "conv"\n[setup]\npading = 1\n', "lesson.toml:3: setup.pading:", "not a flag of the conv lesson"),
        ('lesson = "pool"\n[setup]\nmode = "mean"\n', "lesson.toml:3: setup.mode:", "'mean' is not one of: max, avg"),
        (
            'lesson = "conv"\n[setup]\nkernel-size = 3\nkernel_size = 4\n',
            "lesson.toml:4: setup.kernel_size:",
            "same flag",
        ),
        ('lesson = "train"\n[setup]\ndownload = true\n', "lesson.toml:3: setup.download:", "cannot be set from a file"),
        ('lesson = "train"\n[setup]\nout = "/etc"\n', "lesson.toml:3: setup.out:", "cannot be set from a file"),
        (
            'lesson = "module"\n[setup]\nfile = "net.py:Net"\n',
            "lesson.toml:3: setup.file:",
            "cannot be set from a file",
        ),
        ('lesson = "data"\n[setup]\nshuffle = "yes"\n', "lesson.toml:3: setup.shuffle:", "true or false"),
        ('lesson = "optim"\n[setup]\nlr = [0.1, "fast"]\n', "lesson.toml:3: setup.lr:", "should be a number"),
        ('lesson = "cnov"\n', "lesson.toml:1: lesson:", "'cnov' is not a lesson"),
        ("[setup]\npadding = 1\n", "lesson.toml: lesson:", 'lesson = "conv"'),
        ('lesson = "conv"\nsetup = 3\n', "lesson.toml:2: setup:", "should be a table"),
        ('lesson = "conv"\nformat = 2\n', "lesson.toml:2: format:", "format = 1"),
        ('lesson = "conv"\ntitle = "x"\n', "lesson.toml:2: title:", "the keys are: format, lesson, setup"),
        ('lesson = "conv"\n[[narration]]\nen = "hi"\n', "lesson.toml:2: narration[1]:", "needs step = N"),
        ('lesson = "conv"\n[[narration]]\nstep = 0\nen = "hi"\n', "lesson.toml:3: narration[1].step:", "whole number"),
        ('lesson = "conv"\n[[narration]]\nstep = 2\n', "lesson.toml:2: narration[1]:", "en, zh"),
        ('lesson = "conv"\n[[question]]\nen = "?"\nanswer = [1]\n', "lesson.toml:4: question[1].answer:", "text"),
        ('lesson = "conv"\n[setup]\npadding = 1\n[setup]\n', "lesson.toml:4:", "not valid TOML: Cannot declare"),
        ('lesson = "conv"\n[setup]\ninput = "1 2; 3"\n', "lesson.toml:2: setup:", "row 2 has 1"),
        ('lesson = "conv"\n[setup]\nkernel-size = 40\n', "lesson.toml:2: setup:", "40"),
    ],
)
def test_a_refusal_names_the_file_the_line_and_the_field(text, where, words):
    message = refusal(text)
    assert message.startswith(where) and words in message, message


def test_refusals_speak_chinese_too():
    message = refusal('lesson = "conv"\n[setup]\npadding = "1"\n', "zh")
    assert message.startswith("lesson.toml:3: setup.padding:") and "整数" in message and "文本" in message


def test_a_file_that_is_not_utf8_or_too_big_or_missing_is_refused(tmp_path):
    with pytest.raises(LessonFileError) as caught:
        parse_lesson_file(b'lesson = "conv"\n# caf\xe9\n', "x.toml")
    assert caught.value.text() == "x.toml:2: is not UTF-8 text."
    big = tmp_path / "big.toml"
    big.write_bytes(b'lesson = "conv"\n' + b"#" * MAX_BYTES)
    with pytest.raises(LessonFileError, match="too_big"):
        read_lesson_file(big)
    with pytest.raises(LessonFileError) as caught:
        read_lesson_file(tmp_path / "nowhere.toml")
    assert "nowhere.toml: cannot be read: No such file or directory" in caught.value.text()


def test_what_a_file_holds_is_shown_escaped():
    """A value with terminal control characters is quoted with them escaped, not sent to the terminal."""
    message = refusal('lesson = "pool"\n[setup]\nmode = "\\u001b[2J"\n')
    assert "\x1b" not in message and "\\x1b[2J" in message


# Fuzzing -----------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(-3, 40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(["digit", "1 2; 3 4", "-1,6", "3,1", "a[::-1]", "sgd", "()", "1e308", "0x10", "nan", "2**99"]),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4))


@st.composite
def setup_tables(draw) -> tuple[str, dict[str, object]]:
    """A lesson and a table of mostly its own flags (a few strangers), with values of any TOML type."""
    lesson = draw(st.sampled_from(LESSONS))
    keys = [key.replace("_", "-") for key in file_actions(lesson)] + ["x y", "", "é", "download"]
    return lesson, draw(st.dictionaries(st.sampled_from(keys), VALUES, max_size=5))


@FUZZ
@given(setup_tables())
def test_fuzzed_setup_tables_are_read_or_refused(drawn):
    lesson, table = drawn
    text = f"lesson = {toml_string(lesson)}\n[setup]\n" + "".join(
        f"{toml_string(key)} = {toml_value(value)}\n" for key, value in table.items()
    )
    try:
        parse_lesson_file(text.encode(), "fuzz.toml")
    except LessonFileError as error:
        assert error.text().startswith("fuzz.toml")


@FUZZ
@given(st.text(alphabet=st.sampled_from('lesson="conv"[setup]\n =#1.-_\'\\{},tx\u00e9\x00'), max_size=80))
def test_fuzzed_text_is_read_or_refused(text):
    try:
        parse_lesson_file(text.encode(), "fuzz.toml")
    except LessonFileError as error:
        assert error.text().startswith("fuzz.toml")


@FUZZ
@given(st.binary(max_size=60))
def test_fuzzed_bytes_are_read_or_refused(data):
    try:
        parse_lesson_file(b'lesson = "conv"\n' + data, "fuzz.toml")
    except LessonFileError as error:
        assert error.text().startswith("fuzz.toml")


# Code in a value is never run ------------------------------------------------------------------

CODE_IN_VALUES = r"""
import json, sys
from pathlib import Path
from tui.lesson_file import LessonFileError, file_actions, parse_lesson_file
from tui.lesson_file_text import toml_string
from tui.lessons import LESSONS

canary = Path(sys.argv[1])
payloads = [
    f"__import__('pathlib').Path({str(canary)!r}).write_text('ran')",
    f"exec(\"open({str(canary)!r}, 'w')\")",
    "{{ __import__('os').system('touch " + str(canary) + "') }}",
    "$(touch " + str(canary) + ")",
]
files = []
for lesson in LESSONS:
    for key, action in file_actions(lesson).items():
        if action.type in (None, str) and action.choices is None and action.nargs != 0:
            for payload in payloads:
                files.append(f"lesson = {toml_string(lesson)}\n[setup]\n{key} = {toml_string(payload)}\n")
# warm up: every lesson's modules imported before the hook starts listening
for text in files:
    try:
        parse_lesson_file(text.encode(), "warm.toml")
    except LessonFileError:
        pass
ran = []
RUNS = ("exec", "os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "builtins.input")

def hook(event, args):
    if event == "exec" and getattr(args[0], "co_filename", "").endswith(".py"):
        return  # a module's own code, imported late
    if event in RUNS or (event == "open" and str(args[0]) == str(canary)):
        ran.append(event)

sys.addaudithook(hook)
outcomes = {"read": 0, "refused": 0}
for text in files:
    try:
        parse_lesson_file(text.encode(), "code.toml")
        outcomes["read"] += 1
    except LessonFileError:
        outcomes["refused"] += 1
print(json.dumps({"files": len(files), "ran": ran, **outcomes}))
"""


def test_code_in_a_value_is_never_run(tmp_path):
    canary = tmp_path / "ran"
    seen = last_json(CODE_IN_VALUES, str(canary))
    assert seen["files"] > 100 and seen["ran"] == [] and not canary.exists()
    assert seen["refused"] + seen["read"] == seen["files"]
