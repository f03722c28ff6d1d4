"""The networks: shapes, parameter counts by hand and by torch, the summary table, torch's words for a too-small input."""

from __future__ import annotations

import pytest
import torch
from course_net import CourseNet
from torch import nn

from engine.errors import SpecError
from engine.train.config import TrainConfig
from engine.train.models import LayerRow, build_model, model_summary, parameter_count
from tui.i18n import error_text, set_language

INPUTS = [(2,), (1, 8, 8), (1, 28, 28), (3, 32, 32)]
CONV_CASES = [(model, shape) for model in ("net", "lenet5", "simplecnn") for shape in INPUTS[2:]] + [
    ("simplecnn", (1, 8, 8))
]
CASES = [("mlp", shape) for shape in INPUTS] + CONV_CASES


def config(model: str, **changes: object) -> TrainConfig:
    return TrainConfig(model=model, dataset="digits", **changes)


def build(model: str, shape: tuple[int, ...], classes: int = 10, **changes: object) -> nn.Module:
    torch.manual_seed(0)
    return build_model(config(model, **changes), shape, classes)


@pytest.mark.parametrize("model, shape", CASES)
def test_each_model_maps_a_batch_to_one_score_per_class(model, shape):
    network = build(model, shape, classes=7)
    assert network(torch.randn(5, *shape)).shape == (5, 7)


def _conv(cin: int, cout: int, k: int) -> int:
    return (cin * k * k + 1) * cout


def _fc(n_in: int, n_out: int) -> int:
    return (n_in + 1) * n_out


HAND_COUNTS = {
    ("net", (3, 32, 32)): _conv(3, 6, 5) + _conv(6, 16, 5) + _fc(16 * 5 * 5, 120) + _fc(120, 84) + _fc(84, 10),
    ("net", (1, 28, 28)): _conv(1, 6, 5) + _conv(6, 16, 5) + _fc(16 * 4 * 4, 120) + _fc(120, 84) + _fc(84, 10),
    ("lenet5", (1, 32, 32)): _conv(1, 6, 5) + _conv(6, 16, 5) + _fc(16 * 5 * 5, 120) + _fc(120, 84) + _fc(84, 10),
    ("lenet5", (1, 28, 28)): _conv(1, 6, 5) + _conv(6, 16, 5) + _fc(16 * 5 * 5, 120) + _fc(120, 84) + _fc(84, 10),
    ("simplecnn", (1, 28, 28)): _conv(1, 30, 5) + _fc(30 * 12 * 12, 100) + _fc(100, 10),
    ("simplecnn", (3, 32, 32)): _conv(3, 30, 5) + _fc(30 * 14 * 14, 100) + _fc(100, 10),
    ("simplecnn", (1, 8, 8)): _conv(1, 30, 5) + _fc(30 * 2 * 2, 100) + _fc(100, 10),
    ("mlp", (2,)): _fc(2, 32) + _fc(32, 32) + _fc(32, 10),  # the default hidden sizes, 32,32
    ("mlp", (1, 8, 8)): _fc(64, 32) + _fc(32, 32) + _fc(32, 10),
}


@pytest.mark.parametrize("model, shape", sorted(HAND_COUNTS))
def test_parameter_counts_match_the_hand_count_torch_and_the_summary(model, shape):
    network = build(model, shape)
    expected = HAND_COUNTS[(model, shape)]
    assert parameter_count(network) == sum(p.numel() for p in network.parameters()) == expected
    assert sum(row.parameters for row in model_summary(network, shape)) == expected


def test_the_published_counts():
    """The course's CIFAR-10 net has 62,006 parameters; LeNet-5 on 32×32 has 61,706."""
    assert HAND_COUNTS[("net", (3, 32, 32))] == 62_006
    assert HAND_COUNTS[("lenet5", (1, 32, 32))] == 61_706 == HAND_COUNTS[("lenet5", (1, 28, 28))]


def test_net_is_the_course_network_with_the_same_weights_under_the_same_seed():
    torch.manual_seed(3)
    course = CourseNet()
    torch.manual_seed(3)
    ours = build_model(config("net"), (3, 32, 32), 10)
    assert [tuple(t.shape) for t in course.state_dict().values()] == [
        tuple(t.shape) for t in ours.state_dict().values()
    ]
    assert all(torch.equal(a, b) for a, b in zip(course.state_dict().values(), ours.state_dict().values()))
    images = torch.randn(4, 3, 32, 32)
    assert torch.equal(course(images), ours(images))


def test_the_seed_decides_the_weights():
    first, again = build("lenet5", (1, 28, 28)), build("lenet5", (1, 28, 28))
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), again.parameters()))
    torch.manual_seed(1)
    other = build_model(config("lenet5"), (1, 28, 28), 10)
    assert not torch.equal(next(first.parameters()), next(other.parameters()))


@pytest.mark.parametrize("model, shape", CASES)
def test_summary_rows_are_the_layers_run_one_by_one(model, shape):
    network = build(model, shape)
    rows = model_summary(network, shape)
    x = torch.randn(1, *shape)
    assert len(rows) == len(list(network.children()))
    for row, (name, layer) in zip(rows, network.named_children()):
        x = layer(x)
        assert row == LayerRow(
            name,
            type(layer).__name__,
            tuple(x.shape[1:]),
            sum(p.numel() for p in layer.parameters()),
        )
    assert rows[-1].output_shape == (10,)


def test_summary_of_the_course_net_reads_like_the_course():
    rows = model_summary(build("net", (3, 32, 32)), (3, 32, 32))
    assert [(row.name, row.output_shape) for row in rows if row.parameters or row.kind == "MaxPool2d"] == [
        ("conv1", (6, 28, 28)),
        ("pool1", (6, 14, 14)),
        ("conv2", (16, 10, 10)),
        ("pool2", (16, 5, 5)),
        ("fc1", (120,)),
        ("fc2", (84,)),
        ("fc3", (10,)),
    ]


def test_summary_leaves_the_model_as_it_found_it():
    network = build("simplecnn", (1, 8, 8)).train()
    model_summary(network, (1, 8, 8))
    assert network.training
    assert all(not module._forward_hooks for module in network.modules())


def test_summary_of_a_bare_module_is_one_row():
    assert model_summary(nn.Linear(3, 2), (3,)) == [LayerRow("", "Linear", (2,), 8)]


@pytest.mark.parametrize(
    "activation, function",
    [("relu", torch.relu), ("tanh", torch.tanh), ("sigmoid", torch.sigmoid)],
)
def test_mlp_uses_the_chosen_activation(activation, function):
    network = build("mlp", (1, 8, 8), hidden=(12, 5), activation=activation)
    linears = [layer for layer in network if isinstance(layer, nn.Linear)]
    assert [(layer.in_features, layer.out_features) for layer in linears] == [
        (64, 12),
        (12, 5),
        (5, 10),
    ]
    x = torch.randn(3, 1, 8, 8)
    by_hand = linears[2](function(linears[1](function(linears[0](x.flatten(1))))))
    torch.testing.assert_close(network(x), by_hand, rtol=0, atol=0)


@pytest.mark.parametrize(
    "model, kinds",
    [
        ("net", {"Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"}),
        ("lenet5", {"Conv2d", "Tanh", "AvgPool2d", "Flatten", "Linear"}),
        ("simplecnn", {"Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"}),
    ],
)
def test_conv_models_keep_their_own_activation_whatever_the_mlp_setting(model, kinds):
    network = build(model, (1, 28, 28), activation="sigmoid")
    assert {type(layer).__name__ for layer in network} == kinds


def test_lenet5_pads_28_by_28_to_see_32_by_32_and_simplecnn_has_30_filters():
    assert build("lenet5", (1, 28, 28)).conv1.padding == (2, 2)
    assert build("lenet5", (1, 32, 32)).conv1.padding == (0, 0)
    conv = build("simplecnn", (3, 32, 32)).conv1
    assert (
        conv.in_channels,
        conv.out_channels,
        conv.kernel_size,
        conv.stride,
        conv.padding,
    ) == (3, 30, (5, 5), (1, 1), (0, 0))


def _torch_error(run) -> str:
    with pytest.raises(RuntimeError) as caught:
        run()
    return str(caught.value)


@pytest.mark.parametrize("model", ["net", "lenet5"])
def test_too_small_an_input_quotes_torch(model):
    with pytest.raises(SpecError) as caught:
        build(model, (1, 8, 8))
    error = caught.value
    # 8 → conv 5 → 4 → pool 2 → 2: the second 5×5 conv does not fit; torch says so in these words.
    expected = _torch_error(lambda: nn.Conv2d(6, 16, 5)(torch.zeros(1, 6, 2, 2)))
    assert (error.code, error.params, error.torch_message) == (
        "model_input_too_small",
        {"model": model, "shape": "1×8×8"},
        expected,
    )
    assert "Kernel size can't be greater than actual input size" in error.torch_message
    try:
        for lang in ("en", "zh"):
            set_language(lang)
            text = error_text(error)
            assert "1×8×8" in text and model in text and expected in text
    finally:
        set_language("en")


@pytest.mark.parametrize("model, smallest", [("net", 16), ("lenet5", 16), ("simplecnn", 6)])
def test_the_smallest_input_each_conv_model_takes(model, smallest):
    """The sizes the message names: one pixel less and torch refuses (a conv or a pool that would be empty)."""
    assert build(model, (1, smallest, smallest))(torch.zeros(2, 1, smallest, smallest)).shape == (2, 10)
    with pytest.raises(SpecError) as caught:
        build(model, (1, smallest - 1, smallest - 1))
    assert caught.value.code == "model_input_too_small" and caught.value.torch_message


def test_a_conv_model_refuses_points():
    with pytest.raises(SpecError) as caught:
        build("net", (2,))
    assert (caught.value.code, caught.value.params) == (
        "model_needs_images",
        {"model": "net", "shape": "2"},
    )
