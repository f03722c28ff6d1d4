"""Fixtures shared by test modules."""

from __future__ import annotations

import os

import pytest

from tui.i18n import set_language

# A server's own limits (/etc/tensortour/limits.toml, TENSORTOUR_* variables) must not change the suite's runs;
# the limits tests give theirs explicitly. Set here, before any test starts a child, so children inherit it.
for _variable in [name for name in os.environ if name.startswith("TENSORTOUR_")]:
    del os.environ[_variable]
os.environ["TENSORTOUR_LIMITS"] = os.devnull + ".no-limits.toml"


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: half again as many workers as cores. Many tests wait (on a training child, a subprocess, a
    timer); on 2 cores a third worker keeps both busy: 3:58 for the suite against 5:09 with two."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(2, cores * 3 // 2)


@pytest.fixture(autouse=True)
def english_afterwards():
    """The app sets the catalogue's language for the whole process; leave it as other tests expect."""
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def course_progress_apart(tmp_path_factory, monkeypatch):
    """The course's progress in a folder of the test's own (XDG_STATE_HOME): never the user's, and a home
    screen that reads it says "Start the course" on every machine."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(autouse=True)
def no_quiz_unless_asked(monkeypatch):
    """Lessons ask their questions on the way by default: a test that steps through a
    lesson would stop at each. Tests of the quiz itself pass `quiz=True` to TensorTourApp."""
    from tui.app import TensorTourApp

    monkeypatch.setattr(TensorTourApp, "quiz_by_default", False)


@pytest.fixture
def cuda_refusal() -> str:
    """Torch's own first line when a tensor is asked for on CUDA here.

    It differs by build: the CPU wheel says "Torch not compiled with CUDA
    enabled", PyPI's CUDA build without a driver "Found no NVIDIA driver on
    your system…". The app quotes whichever this torch says.
    """
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: there is no refusal to quote")
    try:
        torch.zeros(1, device="cuda")
    except (AssertionError, RuntimeError) as error:
        return str(error).strip().splitlines()[0]
    pytest.fail("torch made a CUDA tensor without CUDA")
