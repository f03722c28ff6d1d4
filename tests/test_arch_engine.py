"""engine.arch against torch: every layer's output shape, parameters and multiply-adds, the published totals,
and torch's own words for an input a network cannot take.

torch's side is built from torch.nn modules on the meta device (engine/arch_torch.py, written to match
torchvision's source; torchvision is not installed), so the four networks cost no memory and no time.
"""

from __future__ import annotations

import io
import json
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from engine.arch import compact, grouped, pool_size
from engine.arch_check import spec_from_json, spec_to_json, torch_max_delta
from engine.arch_nets import MAX_SIZE, NETWORKS, ArchSpec, arch_trace, parse_size
from engine.arch_torch import torch_error, torch_layers, torch_model
from engine.errors import SpecError
from engine.verify import serve
from tui.i18n import ASSETS

PUBLISHED = {
    "lenet5": 61_706,
    "alexnet": 61_100_840,
    "vgg16": 138_357_544,
    "googlenet": 6_624_904,
}  # the numbers


@pytest.mark.parametrize("network", NETWORKS)
def test_totals_are_the_published_counts_and_torchs(network):
    trace = arch_trace(ArchSpec(network))
    model_params = sum(p.numel() for p in torch_model(network).parameters())
    assert trace.total_params == PUBLISHED[network] == NETWORKS[network].published_params == model_params


@pytest.mark.parametrize("network", NETWORKS)
def test_every_layer_and_branch_agrees_with_torch_on_the_meta_device(network):
    spec = ArchSpec(network)
    trace = arch_trace(spec)
    measured = torch_layers(spec)
    for row in trace.flat_rows():
        assert measured[row.name] == (row.out_shape, row.params, row.macs), row.name
    assert trace.rows[-1].out_shape == ((10,) if network == "lenet5" else (1000,))
    assert trace.total_macs == sum(row.macs for row in trace.rows) == trace.macs_so_far[-1]
    assert torch_max_delta(spec) == 0.0


def test_multiply_adds_are_torchs_flop_counts_halved():
    """torchvision's model docs give 0.71, 15.47 and 1.5 GFLOPS for these three: multiply-adds, in fact."""
    assert [round(arch_trace(ArchSpec(n)).total_macs / 1e9, 2) for n in ("alexnet", "vgg16", "googlenet")] == [
        0.71,
        15.47,
        1.5,
    ]


@settings(max_examples=25, deadline=None, derandomize=True)
@given(network=st.sampled_from(list(NETWORKS)), size=st.integers(1, 300))
def test_any_input_size_is_accepted_exactly_when_torch_accepts_it(network, size):
    spec = ArchSpec(network, size)
    try:
        arch_trace(spec)
    except SpecError as error:
        assert error.torch_message == torch_error(spec) is not None
    else:
        assert torch_max_delta(spec) == 0.0  # inf if torch refused what the engine accepted


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    size=st.integers(1, 40),
    kernel=st.integers(1, 6),
    stride=st.integers(1, 5),
    data=st.data(),
    ceil=st.booleans(),
)
def test_pool_size_is_torchs_in_floor_and_ceil_mode(size, kernel, stride, data, ceil):
    padding = data.draw(st.integers(0, kernel // 2))
    pool = nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceil)
    out, _ = pool_size(size, kernel, stride, padding, ceil)
    try:
        expected = pool(torch.empty(1, 1, size, size, device="meta")).shape[-1]
    except RuntimeError as error:
        assert out < 1 and "Output size is too small" in str(error)
    else:
        assert out == expected


def test_ceil_mode_drops_a_last_window_that_would_start_in_the_padding():
    assert pool_size(3, 1, 3, 0, True) == (1, True)
    assert nn.MaxPool2d(1, 3, ceil_mode=True)(torch.empty(1, 1, 3, 3, device="meta")).shape[-1] == 1
    assert pool_size(112, 3, 2, 0, True) == (56, False) and pool_size(112, 3, 2, 0, False) == (55, False)


def _row(network: str, name: str):
    return next(row for row in arch_trace(ArchSpec(network)).flat_rows() if row.name == name)


def test_formulas_are_written_with_the_layers_numbers():
    conv = _row("alexnet", "features.0")
    assert conv.call == "Conv2d(3, 64, 11, stride=4, padding=2)"
    assert conv.shape_line == "⌊(H+2P−K)/S⌋+1 = ⌊(224 + 2·2 − 11)/4⌋ + 1 = 55"
    assert conv.params_line == "K·K·Cin·Cout+Cout = 11·11·3·64 + 64 = 23,296" and 11 * 11 * 3 * 64 + 64 == conv.params
    assert conv.macs_formula == "(55·55·64)·(11·11·3) = 70,276,800" and 55 * 55 * 64 * 11 * 11 * 3 == conv.macs
    basic = _row("googlenet", "conv1")
    assert basic.call == "BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)"
    assert basic.params_line == "K·K·Cin·Cout+2·Cout = 7·7·3·64 + 2·64 = 9,536"
    assert _row("googlenet", "maxpool1").shape_line == "⌈(H+2P−K)/S⌉+1 = ⌈(112 + 2·0 − 3)/2⌉ + 1 = 56"
    assert _row("alexnet", "flatten").shape_line == "C·H·W = 256·6·6 = 9,216"
    assert _row("alexnet", "classifier.1").params_line == "In·Out+Out = 9216·4096 + 4096 = 37,752,832"
    assert _row("alexnet", "classifier.1").macs_formula == "9216·4096 = 37,748,736"
    assert _row("alexnet", "avgpool").call == "AdaptiveAvgPool2d((6, 6))"
    assert _row("vgg16", "classifier.2").call == "Dropout(p=0.5)"


def test_an_inception_block_is_its_four_branches_concatenated():
    block = _row("googlenet", "inception3a")
    assert block.call == "Inception(192, 64, 96, 128, 16, 32, 32)"
    assert [[layer.brief for layer in branch] for branch in block.branches] == [
        ["1×1 → 64"],
        ["1×1 → 96", "3×3 → 128"],
        ["1×1 → 16", "3×3 → 32"],  # torchvision's 3×3 for the paper's 5×5
        ["max 3×3/1", "1×1 → 32"],
    ]
    assert block.shape_formula == "64 + 128 + 32 + 32 = 256" and block.out_shape == (
        256,
        28,
        28,
    )
    assert block.params == sum(layer.params for branch in block.branches for layer in branch) == 155_872
    assert block.params_formula.endswith("= 155,872")


def test_running_totals_add_up_layer_by_layer():
    trace = arch_trace(ArchSpec("vgg16"))
    assert trace.params_so_far[0] == 1_792 and trace.params_so_far[-1] == trace.total_params
    assert all(b - a == row.params for a, b, row in zip(trace.params_so_far, trace.params_so_far[1:], trace.rows[1:]))


def test_number_formats():
    assert [compact(v) for v in (0, 156, 2_416, 23_296, 307_392, 999_999, 61_100_840, 15_470_264_320)] == [
        "0", "156", "2.42K", "23.3K", "307K", "1M", "61.1M", "15.5G",
    ]  # fmt: skip
    assert grouped(138_357_544) == "138,357,544"


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: ArchSpec("resnet50"), "arch_unknown_network"),
        (lambda: ArchSpec("alexnet", 0), "arch_size_too_small"),
        (lambda: ArchSpec("alexnet", MAX_SIZE + 1), "too_big"),
        (lambda: ArchSpec("alexnet", True), "not_an_integer"),
        (lambda: parse_size("2.5e2"), "not_an_integer"),
        (lambda: parse_size("__import__('os')"), "not_an_integer"),
        (lambda: parse_size("２２４"), "not_an_integer"),
        (lambda: arch_trace(ArchSpec("lenet5", 28)), "arch_linear_mismatch"),
        (lambda: arch_trace(ArchSpec("vgg16", 31)), "arch_pool_too_small"),
        (lambda: arch_trace(ArchSpec("alexnet", 6)), "arch_kernel_too_big"),
    ],
)
def test_invalid_specs_are_refused_with_a_reason(make, code):
    with pytest.raises(SpecError) as caught:
        make()
    assert caught.value.code == code


def test_lenet5_takes_32_to_35_only_and_alexnet_anything_from_63():
    def accepted(network: str) -> list[int]:
        sizes = []
        for size in range(1, 300):
            try:
                arch_trace(ArchSpec(network, size))
            except SpecError:
                continue
            sizes.append(size)
        return sizes

    assert accepted("lenet5") == [32, 33, 34, 35]
    assert accepted("alexnet") == list(range(63, 300))
    assert parse_size(" 100 ") == 100


def test_switching_networks_wraps_around_and_resets_the_size():
    spec = ArchSpec("googlenet", 100)
    assert spec.with_network(1) == ArchSpec("lenet5") and spec.with_network(-1) == ArchSpec("vgg16")
    assert spec.with_network(position=1) == ArchSpec("alexnet") and ArchSpec().with_network(-1).network == "googlenet"


def test_the_child_process_protocol_checks_a_spec():
    spec = ArchSpec("googlenet", 100)
    assert spec_from_json(json.loads(json.dumps(spec_to_json(spec)))) == spec
    replies = io.StringIO()
    serve(
        io.StringIO(json.dumps({"id": 1, "lesson": "arch", "spec": spec_to_json(spec)}) + "\n"),
        replies,
    )
    assert json.loads(replies.getvalue()) == {"id": 1, "delta": 0.0}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lesson_text_quotes_the_engines_totals(lang):
    text = (ASSETS / "lessons" / lang / "arch.md").read_text(encoding="utf-8")
    for network in ("lenet5", "alexnet", "vgg16", "googlenet"):
        assert grouped(arch_trace(ArchSpec(network)).total_params) in text
    vgg_macs = arch_trace(ArchSpec("vgg16")).total_macs
    assert ("15.5 billion" if lang == "en" else "155 亿") in text and math.isclose(vgg_macs / 1e9, 15.5, abs_tol=0.05)
