"""The limits and --amp where they act: device choice, the GPU memory share and autocast (GPU paths with torch's
CUDA calls replaced, as this machine has no GPU), the real training child's thread count, the headless refusals
and first lines, and the app's run header."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from test_tui_train import XOR, batch, feed, run, started, text

from engine.errors import SpecError
from engine.train import device as devices
from engine.train.limits import AdminLimits, Limit
from tui.flags.train import config_from
from tui.headless import run_headless
from tui.i18n import error_text

ROOT = devices.__file__.rsplit("/engine/", 1)[0]
CLASS_GPU = AdminLimits(devices=Limit(("cuda:1", "cpu"), "/etc/tensortour/limits.toml"))


@pytest.fixture
def two_gpus(monkeypatch):
    """torch as it answers on a machine with two bf16 GPUs; calls to set a memory share are recorded."""
    shares = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA Test GPU")
    monkeypatch.setattr(
        torch.cuda, "set_per_process_memory_fraction", lambda share, device: shares.append((share, device))
    )
    return shares


def test_auto_and_cuda_take_the_gpu_the_administrator_gave(two_gpus):
    assert devices.resolve_device("auto", CLASS_GPU) == torch.device("cuda:1")
    assert devices.resolve_device("cuda", CLASS_GPU) == torch.device("cuda:1")
    assert devices.resolve_device("cpu", CLASS_GPU) == torch.device("cpu")


def test_a_gpu_the_machine_lacks_is_refused_and_auto_falls_back_to_an_allowed_cpu(two_gpus, monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert devices.resolve_device("auto", CLASS_GPU) == torch.device("cpu")
    with pytest.raises(SpecError) as caught:
        devices.resolve_device("cuda", CLASS_GPU)
    assert "cuda:1" in error_text(caught.value) and "1 CUDA GPU" in error_text(caught.value)
    only_gpu = AdminLimits(devices=Limit(("cuda:1",), "TENSORTOUR_DEVICE"))
    with pytest.raises(SpecError) as caught:
        devices.resolve_device("auto", only_gpu)
    assert "TENSORTOUR_DEVICE" in error_text(caught.value)


def test_the_memory_share_is_set_on_cuda_only(two_gpus):
    limits = AdminLimits(gpu_memory_fraction=Limit(0.25, "TENSORTOUR_GPU_MEMORY_FRACTION"))
    devices.cap_gpu_memory(torch.device("cpu"), limits)
    devices.cap_gpu_memory(torch.device("cuda:1"), AdminLimits())
    assert two_gpus == []
    devices.cap_gpu_memory(torch.device("cuda:1"), limits)
    assert two_gpus == [(0.25, torch.device("cuda:1"))]


def test_amp_is_bf16_autocast_on_a_gpu_that_has_it_and_refused_elsewhere(two_gpus, monkeypatch):
    context = devices.autocast(torch.device("cuda:1"), amp=True)
    assert isinstance(context, torch.autocast) and context.fast_dtype == torch.bfloat16 and context.device == "cuda"
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)
    with pytest.raises(SpecError) as caught:
        devices.autocast(torch.device("cuda:0"), amp=True)
    assert "NVIDIA Test GPU" in error_text(caught.value) and "is_bf16_supported() is False" in error_text(caught.value)
    with pytest.raises(SpecError) as caught:
        devices.autocast(torch.device("mps"), amp=True)
    assert "this run trains on mps" in error_text(caught.value)


def cpu_bf16(monkeypatch, present: bool) -> None:
    for name in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"):
        monkeypatch.setattr(torch.cpu, name, lambda: present, raising=False)


def test_amp_on_the_cpu_needs_bf16_matrix_units(monkeypatch):
    cpu_bf16(monkeypatch, False)
    with pytest.raises(SpecError) as caught:
        devices.autocast(torch.device("cpu"), amp=True)
    assert "on the CPU needs bf16 matrix units (AMX or AVX-512 BF16)" in error_text(caught.value)
    cpu_bf16(monkeypatch, True)
    context = devices.autocast(torch.device("cpu"), amp=True)
    assert context.fast_dtype == torch.bfloat16 and context.device == "cpu"


def test_the_real_child_runs_with_the_threads_the_limit_allows(tmp_path):
    """threads 0 (automatic) under max_threads = 1: torch.get_num_threads() in the child, reported as it started."""
    limits = tmp_path / "limits.toml"
    limits.write_text('max_threads = 1\ndevices = "cpu"\n')
    config = XOR.with_changes(threads=0, epochs=1)
    child = subprocess.run(
        [sys.executable, "-m", "engine.train.child"],
        cwd=ROOT,
        input=json.dumps({"config": config.to_json(), "out": None, "resume": None}) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ROOT, "TENSORTOUR_LIMITS": str(limits)},
    )
    first = json.loads(child.stdout.splitlines()[0])
    assert first["event"] == "started", child.stdout + child.stderr
    assert first["threads"] == 1 and first["device"] == "cpu"
    assert first["limits"] == {
        "max_threads": {"value": 1, "source": str(limits)},
        "devices": {"value": ["cpu"], "source": str(limits)},
    }


def headless(tmp_path, capsys, monkeypatch, limits: str, *flags: str) -> tuple[int, str, str]:
    path = tmp_path / "limits.toml"
    path.write_text(limits)
    monkeypatch.setenv("TENSORTOUR_LIMITS", str(path))
    from tui.cli import parse_args

    config = config_from(parse_args(["train", "--dataset", "xor", "--hidden", "4", "--epochs", "1", *flags]))
    code = run_headless(config, out=str(tmp_path / "run"))
    out, err = capsys.readouterr()
    return code, out, err


def test_headless_refuses_threads_above_the_limit_naming_the_file(tmp_path, capsys, monkeypatch):
    code, _, err = headless(tmp_path, capsys, monkeypatch, "max_threads = 1\n", "--threads", "2")
    assert code == 2 and f"above this server's thread limit of 1 (set in {tmp_path / 'limits.toml'})" in err
    code, _, err = headless(tmp_path, capsys, monkeypatch, "max_threads = [\n", "--threads", "1")
    assert code == 2 and "limits.toml, line 1: not valid TOML" in err


def test_headless_amp_on_the_cpu_refused_without_bf16_units_and_trains_with_them(tmp_path, capsys, monkeypatch):
    cpu_bf16(monkeypatch, False)
    code, _, err = headless(tmp_path, capsys, monkeypatch, "", "--device", "cpu", "--amp")
    assert code == 2 and "needs bf16 matrix units" in err
    cpu_bf16(monkeypatch, True)  # torch runs CPU autocast on any CPU: only slower without the units
    code, out, _ = headless(tmp_path, capsys, monkeypatch, "max_threads = 1\n", "--device", "cpu", "--amp")
    lines = out.splitlines()
    assert code == 0 and "CPU · 1 thread · bf16 autocast" in lines[0]
    assert lines[1] == f"Server limits ({tmp_path / 'limits.toml'}): 1 thread"
    assert "samples/s" in out
    assert json.loads((tmp_path / "run" / "run.json").read_text())["config"]["amp"] is True


def test_the_app_header_shows_the_limits_in_effect():
    shown = started(XOR, "points", ["blue", "orange"])
    shown["limits"] = {"devices": {"value": ["cpu"], "source": "/etc/tensortour/limits.toml"}}

    async def body(app, pilot):
        feed(app, XOR, [shown, batch(1, 13, 0.7)])
        await pilot.pause()
        lines = text(app, "#progress").splitlines()
        assert "12,345 samples/s" in lines[0]
        assert lines[2] == "Server limits (/etc/tensortour/limits.toml): devices cpu"

    run(body)


def test_a_resumed_run_keeps_to_a_thread_limit_set_since_it_began(tmp_path, capsys, monkeypatch):
    """The checkpoint's 2 threads were not asked for now: lowered to the limit, not refused."""
    if devices.usable_cores() < 2:
        pytest.skip("needs two cores to start a run with two threads")
    config = XOR.with_changes(hidden=(4,), epochs=1, threads=2, device="cpu")
    assert run_headless(config, out=str(tmp_path / "run")) == 0
    (tmp_path / "limits.toml").write_text("max_threads = 1\n")
    monkeypatch.setenv("TENSORTOUR_LIMITS", str(tmp_path / "limits.toml"))
    capsys.readouterr()
    assert run_headless(config, resume=str(tmp_path / "run"), changes={"epochs": 2}) == 0
    assert "CPU · 1 thread ·" in capsys.readouterr().out


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run once where one is at hand)")
def test_on_a_real_gpu_amp_trains_within_the_memory_share(tmp_path, capsys, monkeypatch):
    share = "gpu_memory_fraction = 0.5\n"
    amp = ("--amp",) if torch.cuda.is_bf16_supported() else ()
    code, out, err = headless(tmp_path, capsys, monkeypatch, share, "--device", "cuda", *amp)
    assert code == 0, err
    assert "GPU memory ≤ 50%" in out and ("bf16 autocast" in out.splitlines()[0]) == bool(amp)
    if hasattr(torch.cuda, "get_per_process_memory_fraction"):
        assert torch.cuda.get_per_process_memory_fraction() == 0.5


def test_plain_shows_the_limits_so_a_teacher_can_check_the_file(tmp_path, monkeypatch):
    from engine.train.setup import TrainSetup
    from tui.text.train import plain

    (tmp_path / "limits.toml").write_text('devices = ["cpu"]\n')
    monkeypatch.setenv("TENSORTOUR_LIMITS", str(tmp_path / "limits.toml"))
    lines = plain(TrainSetup(XOR)).splitlines()
    assert lines[3] == f"Server limits ({tmp_path / 'limits.toml'}): devices cpu"


def test_the_form_refuses_threads_above_the_limit_before_a_run_starts(tmp_path, monkeypatch):
    (tmp_path / "limits.toml").write_text("max_threads = 1\n")
    monkeypatch.setenv("TENSORTOUR_LIMITS", str(tmp_path / "limits.toml"))

    async def body(app, pilot):
        from textual.widgets import Input

        from tui.screens.train_form import TrainForm

        train = next(s for s in app.screen_stack if type(s).__name__ == "TrainScreen")
        field = train.query_one("#field-threads", Input)
        field.value = "2"
        await pilot.press("enter")
        await pilot.pause()
        assert train.process is None and train.state == "form"
        assert "thread limit of 1 (set in" in train.query_one(TrainForm).error_shown()
        assert app.focused is field

    run(body, config=XOR.with_changes(threads=0))
