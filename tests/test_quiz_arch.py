"""The classic-CNN lesson's questions against torch: each asked layer built as nn.Conv2d / BatchNorm2d / nn.Linear."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from engine.arch import Linear
from engine.arch_nets import NETWORKS, ArchSpec, arch_trace
from engine.arch_quiz import questions, shown_exactly
from engine.errors import SpecError
from tests.quiz_bank_support import assert_bank


def torch_layer(layer, in_shape: tuple[int, ...]) -> nn.Module:
    """The layer as torch builds it: BasicConv2d is a conv without bias followed by BatchNorm2d."""
    if isinstance(layer, Linear):
        return nn.Linear(layer.in_features, layer.out_features)
    conv = nn.Conv2d(
        in_shape[0],
        layer.out_channels,
        layer.kernel,
        stride=layer.stride,
        padding=layer.padding,
        bias=not layer.batch_norm,
    )
    return nn.Sequential(conv, nn.BatchNorm2d(layer.out_channels)) if layer.batch_norm else conv


def torch_counts(layer, in_shape: tuple[int, ...]) -> tuple[int, int]:
    """Parameters, and multiply-adds: one per weight of the conv or linear part at every output position.

    The modules are built on the meta device (no memory: VGG's first linear layer has 103M weights); a conv's
    output positions come from F.conv2d itself, on zeros of one channel.
    """
    with torch.device("meta"):
        module = torch_layer(layer, in_shape)
    params = sum(p.numel() for p in module.parameters())
    if isinstance(layer, Linear):
        return params, module.weight.numel()
    one_channel = F.conv2d(  # the output positions do not depend on the channels: one of each is enough
        torch.zeros((1, 1, *in_shape[1:])),
        torch.zeros(1, 1, layer.kernel, layer.kernel),
        stride=layer.stride,
        padding=layer.padding,
    )
    conv = module[0] if isinstance(module, nn.Sequential) else module
    return params, one_channel.numel() * conv.weight.numel()


def check(spec: ArchSpec) -> tuple:
    trace = arch_trace(spec)
    asked = questions(spec, trace)
    assert_bank(asked, trace.step_count)
    for question in asked:
        layer, row = spec.net.layers[question.step], trace.rows[question.step]
        assert question.params["name"] == row.name
        params, macs = torch_counts(layer, row.in_shape)
        if question.id == "macs":
            assert question.answer == macs and not shown_exactly(macs)
        elif question.id == "params":
            assert question.answer == params
        else:
            assert question.id == ("params_formula_bn" if layer.batch_norm else "params_formula")
            right = question.choices[question.answer]
            assert eval(right.replace("·", "*")) == params  # the option is plain arithmetic we wrote
            assert all(eval(o.replace("·", "*")) != params for o in question.choices if o != right)
    return asked


def test_every_network_at_its_own_size_asks_three_questions():
    for network in NETWORKS:
        assert len(check(ArchSpec(network))) == 3, network


def test_the_default_questions_in_numbers():
    formula, params, macs = questions(ArchSpec(), arch_trace(ArchSpec()))
    assert (formula.step, formula.choices[formula.answer]) == (3, "5·5·6·16 + 16")
    assert (params.step, params.answer, macs.step, macs.answer) == (7, 48_120, 9, 10_080)


def test_what_the_table_shows_exactly():
    assert shown_exactly(850) and shown_exactly(240_000) and shown_exactly(4_100_000)
    assert not shown_exactly(2_416) and not shown_exactly(10_080) and not shown_exactly(4_096_000)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(list(NETWORKS)), st.integers(1, 256))
def test_typed_input_sizes_against_torch(network, size):
    try:
        spec = ArchSpec(network, size)
        arch_trace(spec)
    except SpecError:
        return  # too small for the network: the lesson refuses it, nothing to ask
    check(spec)
