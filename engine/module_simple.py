"""The book's SimpleConvNet (Deep Learning from Scratch, ch. 7) as a ModuleTable, with every hyper-parameter open.

Conv → ReLU → Pooling → Affine → ReLU → Affine → Softmax on a 1×28×28 image:
30 filters of 5×5, stride 1, pad 0, a 2×2 max pooling with stride 2, 100
hidden units, 10 outputs; 433,890 parameters. The spec refuses what the
book's code could not run, quoting torch's words where torch (running the
same network, engine/module_torch.py) refuses it too. One refusal is the
book's own: it sizes W2 by `int(filter_num · (conv_output_size/2)²)` with the
conv output as a float, which is the number of values the pooling gives only
when that output is even (or rounds down to the same number); otherwise its
first Affine layer does not fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from engine.arch import Conv, Linear, Pool, Shape, grouped
from engine.errors import SpecError
from engine.module_table import ModuleRow, ModuleTable, NamedParameter

LIMITS = {
    "channels": 64,
    "side": 256,
    "filter_num": 512,
    "filter_size": 64,
    "pad": 64,
    "stride": 32,
    "hidden_size": 4096,
    "output_size": 1000,
}
POOL = 2  # the book's Pooling(pool_h=2, pool_w=2, stride=2)

# The structure, as the notes' figure labels it (the table uses the book's class names).
DIAGRAM_LABELS = {
    "Convolution": "Conv",
    "Relu": "ReLU",
    "Pooling": "Pooling",
    "Affine": "Affine",
    "SoftmaxWithLoss": "Softmax",
}


@dataclass(frozen=True)
class SimpleConvSpec:
    """SimpleConvNet's constructor arguments, conv_param's four keys spread out; validated on construction."""

    input_dim: Shape = (1, 28, 28)
    filter_num: int = 30
    filter_size: int = 5
    pad: int = 0
    stride: int = 1
    hidden_size: int = 100
    output_size: int = 10
    weight_init_std: float = 0.01

    def __post_init__(self) -> None:
        self._check_types()
        self._check_weights()
        self._check_ranges()
        self._check_shapes()

    # What the book's code computes -------------------------------------------------------

    @property
    def book_conv_output(self) -> float:
        """The book's `conv_output_size`: true division, so 12.5 where the layer gives 12."""
        return (self.input_dim[1] - self.filter_size + 2 * self.pad) / self.stride + 1

    @property
    def book_pool_output(self) -> int:
        """The book's `pool_output_size = int(filter_num * (conv_output_size/2) * (conv_output_size/2))`."""
        return int(self.filter_num * (self.book_conv_output / 2) * (self.book_conv_output / 2))

    @property
    def conv_output(self) -> int:
        """What the Convolution layer (and nn.Conv2d) gives: ⌊(H + 2P − F)/S⌋ + 1."""
        return (self.input_dim[1] + 2 * self.pad - self.filter_size) // self.stride + 1

    @property
    def pool_output(self) -> int:
        return (self.conv_output - POOL) // POOL + 1

    @property
    def flattened(self) -> int:
        """The numbers the pooling layer hands to the first Affine layer, per image."""
        return self.filter_num * self.pool_output * self.pool_output

    # Validation, in the order torch would fail ------------------------------------------

    def _check_types(self) -> None:
        if not isinstance(self.input_dim, tuple) or len(self.input_dim) != 3:
            raise SpecError("module_input_dim", value=str(self.input_dim))
        for name in ("filter_num", "filter_size", "pad", "stride", "hidden_size", "output_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError("not_an_integer", what=f"module_{name}", token=str(value))
        if any(isinstance(size, bool) or not isinstance(size, int) for size in self.input_dim):
            raise SpecError("module_input_dim", value=str(self.input_dim))
        if isinstance(self.weight_init_std, bool) or not isinstance(self.weight_init_std, (int, float)):
            raise SpecError("not_a_number", what="module_weight_init_std", token=str(self.weight_init_std))
        if not math.isfinite(self.weight_init_std):
            raise SpecError("not_finite", what="module_weight_init_std", token=str(self.weight_init_std))

    def _check_weights(self) -> None:
        """What fails while torch builds the layers: a negative size in W1, then a negative std for normal_."""
        channels = self.input_dim[0]
        if channels < 1 or self.input_dim[1] < 1 or self.input_dim[2] < 1:
            raise SpecError("module_input_dim", value=str(self.input_dim))
        weight = [self.filter_num, channels, self.filter_size, self.filter_size]
        negative = next((size for size in weight if size < 0), None)
        if negative is not None:
            raise SpecError(
                "module_negative",
                torch_message=f"Trying to create tensor with negative dimension {negative}: {weight}",
                what="module_filter_num" if self.filter_num < 0 else "module_filter_size",
                value=negative,
            )
        for name in ("hidden_size", "output_size"):
            if getattr(self, name) < 1:
                raise SpecError("module_at_least", what=f"module_{name}", low=1, value=getattr(self, name))
        if self.weight_init_std < 0:
            raise SpecError(
                "module_negative_std",
                torch_message=f"normal expects std >= 0.0, but found std {self.weight_init_std:g}",
                value=f"{self.weight_init_std:g}",
            )

    def _check_ranges(self) -> None:
        """What conv2d checks before it computes; then the limits that keep the numbers readable."""
        if self.pad < 0:
            raise SpecError(
                "module_negative", torch_message="negative padding is not supported", what="module_pad", value=self.pad
            )
        if self.stride < 1:
            raise SpecError(
                "module_at_least",
                torch_message="non-positive stride is not supported",
                what="module_stride",
                low=1,
                value=self.stride,
            )
        if self.filter_num == 0:
            raise SpecError(
                "module_at_least",
                torch_message=(
                    f"Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size "
                    f"[0, {self.input_dim[0]}, {self.filter_size}, {self.filter_size}] instead"
                ),
                what="module_filter_num",
                low=1,
                value=0,
            )
        if self.filter_size == 0:
            raise SpecError(
                "module_at_least",
                torch_message="kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 0",
                what="module_filter_size",
                low=1,
                value=0,
            )
        channels, height, width = self.input_dim
        for name, value in (
            ("channels", channels),
            ("side", max(height, width)),
            *(
                (name, getattr(self, name))
                for name in ("filter_num", "filter_size", "pad", "stride", "hidden_size", "output_size")
            ),
        ):
            if value > LIMITS[name]:
                raise SpecError("too_big", what=f"module_{name}", high=LIMITS[name], value=value)
        if height != width:
            raise SpecError("module_not_square", height=height, width=width)

    def _check_shapes(self) -> None:
        """The conv must fit its padded input, the pooling must give at least 1×1, and W2 must fit what comes out."""
        size, f, p = self.input_dim[1], self.filter_size, self.pad
        if size + 2 * p < f:
            raise SpecError(
                "module_filter_too_big",
                torch_message=(
                    f"Calculated padded input size per channel: ({size + 2 * p} x {size + 2 * p}). "
                    f"Kernel size: ({f} x {f}). Kernel size can't be greater than actual input size"
                ),
                f=f,
                padded=size + 2 * p,
            )
        if self.pool_output < 1:
            c, n = self.conv_output, self.filter_num
            raise SpecError(
                "module_pool_too_small",
                torch_message=(
                    f"Given input size: ({n}x{c}x{c}). Calculated output size: ({n}x{self.pool_output}x{self.pool_output}). "
                    "Output size is too small"
                ),
                size=c,
            )
        if self.book_pool_output != self.flattened:
            raise SpecError(
                "module_book_mismatch",
                torch_message=(
                    f"mat1 and mat2 shapes cannot be multiplied (1x{self.flattened} and "
                    f"{self.book_pool_output}x{self.hidden_size})"
                ),
                conv=f"{self.book_conv_output:g}",
                book=self.book_pool_output,
                n=self.filter_num,
                pooled=self.pool_output,
                actual=self.flattened,
            )


def _book_affine(name: str, weight: str, in_shape: Shape, out: int) -> ModuleRow:
    """The book's Affine reshapes its input to (N, -1) itself, then computes x·W + b."""
    flat = math.prod(in_shape)
    layer_row = Linear(name, flat, out).apply((flat,))
    bias = "b" + weight[1:]
    shape_line = "" if len(in_shape) == 1 else f"C·H·W = {'·'.join(map(str, in_shape))} = {grouped(flat)} → {out}"
    return ModuleRow(
        name=name,
        kind="Affine",
        arguments=f"{weight}, {bias}",
        in_shape=in_shape,
        out_shape=(out,),
        params=layer_row.params,
        shape_line=shape_line,
        params_line=f"{weight} {flat}·{out} + {bias} {out} = {grouped(layer_row.params)}",
    )


def simple_table(spec: SimpleConvSpec) -> ModuleTable:
    """The book's layers in order (its OrderedDict, then last_layer), shapes per image, and its params dict."""
    channels = spec.input_dim[0]
    n, f, s, p = spec.filter_num, spec.filter_size, spec.stride, spec.pad
    conv = Conv("Conv1", n, f, s, p).apply(spec.input_dim)
    conv_row = ModuleRow(
        name="Conv1",
        kind="Convolution",
        arguments=f"W1, b1, stride={s}, pad={p}",
        in_shape=spec.input_dim,
        out_shape=conv.out_shape,
        params=conv.params,
        shape_line=f"⌊(H+2P−FH)/S⌋+1 = {conv.shape_formula}",
        params_line=f"W1 {n}·{channels}·{f}·{f} + b1 {n} = {grouped(conv.params)}",
    )
    pool = Pool("Pool1", "max", POOL, POOL).apply(conv.out_shape)
    pool_row = ModuleRow(
        name="Pool1",
        kind="Pooling",
        arguments=f"pool_h={POOL}, pool_w={POOL}, stride={POOL}",
        in_shape=conv.out_shape,
        out_shape=pool.out_shape,
        shape_line=f"⌊(H−{POOL})/{POOL}⌋+1 = ⌊({conv.out_shape[1]} − {POOL})/{POOL}⌋ + 1 = {pool.out_shape[1]}",
    )
    affine1 = _book_affine("Affine1", "W2", pool.out_shape, spec.hidden_size)
    affine2 = _book_affine("Affine2", "W3", affine1.out_shape, spec.output_size)
    rows = (
        conv_row,
        ModuleRow("Relu1", "Relu", "", conv.out_shape, conv.out_shape),
        pool_row,
        affine1,
        ModuleRow("Relu2", "Relu", "", affine1.out_shape, affine1.out_shape),
        affine2,
        ModuleRow("last_layer", "SoftmaxWithLoss", "", affine2.out_shape, affine2.out_shape),
    )
    flat, hidden, out = spec.flattened, spec.hidden_size, spec.output_size
    parameters = (
        NamedParameter("Conv1.weight", (n, channels, f, f), "Conv1", "W1", (n, channels, f, f)),
        NamedParameter("Conv1.bias", (n,), "Conv1", "b1", (n,)),
        NamedParameter("Affine1.weight", (hidden, flat), "Affine1", "W2", (flat, hidden), book_transposed=True),
        NamedParameter("Affine1.bias", (hidden,), "Affine1", "b2", (hidden,)),
        NamedParameter("Affine2.weight", (out, hidden), "Affine2", "W3", (hidden, out), book_transposed=True),
        NamedParameter("Affine2.bias", (out,), "Affine2", "b3", (out,)),
    )
    return ModuleTable("SimpleConvNet", spec.input_dim, rows, parameters)


def hyper_text(spec: SimpleConvSpec) -> str:
    """The constructor call with this spec's arguments, as the book's signature spells them."""
    channels, height, width = spec.input_dim
    return (
        f"input_dim=({channels}, {height}, {width}), "
        f"conv_param={{'filter_num': {spec.filter_num}, 'filter_size': {spec.filter_size}, "
        f"'pad': {spec.pad}, 'stride': {spec.stride}}}, "
        f"hidden_size={spec.hidden_size}, output_size={spec.output_size}, weight_init_std={spec.weight_init_std:g}"
    )


STEPPED = ("filter_num", "filter_size", "pad", "stride", "hidden_size", "output_size", "side")
MAX_SKIP = 16


def with_value(spec: SimpleConvSpec, name: str, value: int) -> SimpleConvSpec:
    """`spec` with one hyper-parameter set; "side" sets both H and W of input_dim."""
    if name == "side":
        return replace(spec, input_dim=(spec.input_dim[0], value, value))
    return replace(spec, **{name: value})


def value_of(spec: SimpleConvSpec, name: str) -> int:
    return spec.input_dim[1] if name == "side" else getattr(spec, name)


def stepped(spec: SimpleConvSpec, name: str, delta: int) -> tuple[SimpleConvSpec, tuple[int, ...]]:
    """`name` moved by `delta`, past the values for which the book could not size W2 (an odd conv output).

    Returns the new spec and the values skipped. Where no value within reach
    works, the SpecError of the first one tried is raised: why the very next
    value fails is what the student asked about.
    """
    skipped: list[int] = []
    value = value_of(spec, name)
    first: SpecError | None = None
    for _ in range(MAX_SKIP):
        value += delta
        try:
            return with_value(spec, name, value), tuple(skipped)
        except SpecError as error:
            first = first or error
            if error.code != "module_book_mismatch":
                break
            skipped.append(value)
    raise first
