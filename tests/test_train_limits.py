"""An administrator's limits (engine/train/limits.py): read from the file and the variables, the tighter one
holding, refusals naming the limit and where it was set, and the real training child obeying them."""

from __future__ import annotations

import pytest

from engine.errors import SpecError
from engine.train.limits import AdminLimits, Limit, load_limits
from tui.i18n import error_text, set_language
from tui.text.limits import limits_words

EXAMPLE = """\
# the class's share of this server
max_threads = 4
devices = ["cuda:1", "cpu"]
gpu_memory_fraction = 0.25
"""


def limits_from(tmp_path, text: str | None, **variables: str) -> AdminLimits:
    path = tmp_path / "limits.toml"
    if text is not None:
        path.write_text(text)
    return load_limits({"TENSORTOUR_LIMITS": str(path), **variables})


def refusal(tmp_path, text: str | None, **variables: str) -> str:
    with pytest.raises(SpecError) as caught:
        limits_from(tmp_path, text, **variables)
    return error_text(caught.value)


def test_the_file_sets_each_limit_and_says_where(tmp_path):
    limits = limits_from(tmp_path, EXAMPLE)
    where = str(tmp_path / "limits.toml")
    assert limits.max_threads == Limit(4, where)
    assert limits.devices == Limit(("cuda:1", "cpu"), where)
    assert limits.gpu_memory_fraction == Limit(0.25, where)


def test_no_file_and_no_variables_set_no_limits(tmp_path):
    limits = limits_from(tmp_path, None)
    assert not limits.any and limits.to_json() == {}
    assert limits_words(limits.to_json()) == ""


def test_a_variable_narrows_the_file_but_never_widens_it(tmp_path):
    narrower = limits_from(
        tmp_path,
        EXAMPLE,
        TENSORTOUR_MAX_THREADS="2",
        TENSORTOUR_DEVICE="cpu",
        TENSORTOUR_GPU_MEMORY_FRACTION="0.5",
    )
    assert narrower.max_threads == Limit(2, "TENSORTOUR_MAX_THREADS")
    assert narrower.devices.value == ("cpu",)
    assert narrower.gpu_memory_fraction.value == 0.25  # the file's smaller share holds
    wider = limits_from(tmp_path, EXAMPLE, TENSORTOUR_MAX_THREADS="64")
    assert wider.max_threads.value == 4 and wider.max_threads.source.endswith("limits.toml")


def test_cuda_in_one_list_allows_the_gpu_the_other_names(tmp_path):
    limits = limits_from(tmp_path, 'devices = ["cuda", "cpu"]\n', TENSORTOUR_DEVICE="cuda:2")
    assert limits.devices.value == ("cuda:2",)
    words = refusal(tmp_path, 'devices = "cpu"\n', TENSORTOUR_DEVICE="cuda")
    assert "TENSORTOUR_DEVICE" in words and "limits.toml" in words


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("max_threads = 4\ndevices = [cpu]\n", 2, "not valid TOML"),
        ("max_threads = 4\n\nmax_thread = 2\n", 3, "'max_thread' is not a limit"),
        ("devices = ['cpu']\nmax_threads = 0\n", 2, "a whole number from 1 to 4096"),
        ("gpu_memory_fraction = 1.5\n", 1, "above 0 and at most 1"),
        ("# limits\n[limits]\nmax_threads = 2\n", 2, "'limits' is not a limit"),
        ("devices = ['gpu']\n", 1, "cuda:N"),
    ],
)
def test_a_malformed_file_refuses_every_run_naming_the_file_and_line(tmp_path, text, line, said):
    words = refusal(tmp_path, text)
    assert str(tmp_path / "limits.toml") in words and f"line {line}" in words and said in words
    assert words.startswith("Server limits file ") and words.endswith("no run starts until it is fixed.")


def test_a_malformed_variable_is_named(tmp_path):
    words = refusal(tmp_path, None, TENSORTOUR_MAX_THREADS="four")
    assert "TENSORTOUR_MAX_THREADS=four" in words and "whole number" in words


def test_asking_beyond_a_limit_is_refused_naming_it_and_where(tmp_path):
    limits = limits_from(tmp_path, EXAMPLE, TENSORTOUR_MAX_THREADS="2")
    with pytest.raises(SpecError) as caught:
        limits.check(threads=3, device="cpu")
    assert error_text(caught.value) == (
        "--threads 3 is above this server's thread limit of 2 (set in TENSORTOUR_MAX_THREADS):"
        " ask for 2 or fewer (0 takes up to 2)."
    )
    with pytest.raises(SpecError) as caught:
        limits.check(threads=0, device="mps")
    assert "cuda:1, cpu" in error_text(caught.value) and str(tmp_path) in error_text(caught.value)
    limits.check(threads=2, device="cuda")  # cuda:1 is a cuda
    limits.check(threads=0, device="auto")
    assert limits.threads_for(0, automatic=8) == 2 and limits.threads_for(1, automatic=8) == 1


def test_the_header_line_names_each_limit_and_its_source_in_both_languages(tmp_path):
    shown = limits_from(tmp_path, EXAMPLE, TENSORTOUR_MAX_THREADS="2").to_json()
    where = str(tmp_path / "limits.toml")
    assert limits_words(shown) == (
        f"Server limits: ≤ 2 threads (TENSORTOUR_MAX_THREADS); devices cuda:1, cpu · GPU memory ≤ 25% ({where})"
    )
    assert limits_words(limits_from(tmp_path, EXAMPLE).to_json()) == (
        f"Server limits ({where}): ≤ 4 threads · devices cuda:1, cpu · GPU memory ≤ 25%"
    )
    set_language("zh")
    assert limits_words(shown) == (
        f"服务器限制：线程 ≤ 2（TENSORTOUR_MAX_THREADS）；设备 cuda:1, cpu · GPU 显存 ≤ 25%（{where}）"
    )
