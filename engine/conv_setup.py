"""What the student chose in the convolution lesson (presets, sizes, channels) and the ConvSpec it makes.

The lesson's keys each produce a new ConvSetup; `.spec()` validates it. A setup
whose spec raises SpecError is never kept, so the screen always shows the last
valid one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.conv import MAX_IN_CHANNELS, MAX_OUT_CHANNELS, ConvSpec
from engine.errors import SpecError
from engine.presets import INPUTS, KERNELS, input_preset, kernel_preset, random_input

MAX_KERNEL = 15
CUSTOM = "custom"


@dataclass(frozen=True, eq=False)
class ConvSetup:
    """A 2-D base input and base kernel, plus how they are spread over channels.

    Input channel c is the base input flipped (c=1: left-right, c=2: up-down), so
    the channels differ but stay recognisable. Output channel o uses the next
    preset along (sobel-x, then sobel-y, …), or for a custom kernel the base
    kernel turned by 90°·o, so each output channel looks for something else.
    """

    input_name: str = "ramp"
    base_input: np.ndarray | None = None
    kernel_name: str = "sobel-x"
    base_kernel: np.ndarray | None = None
    kernel_size: int = 3
    in_channels: int = 1
    out_channels: int = 1
    bias: tuple[float, ...] = ()
    stride: int = 1
    padding: int = 0
    dilation: int = 1

    def __post_init__(self) -> None:
        if self.base_kernel is not None:
            object.__setattr__(self, "kernel_size", self.base_kernel.shape[0])
        if self.base_input is None:
            object.__setattr__(self, "base_input", input_preset(self.input_name))
        if self.base_kernel is None:
            object.__setattr__(self, "base_kernel", kernel_preset(self.kernel_name, self.kernel_size))

    def spec(self) -> ConvSpec:
        if not 1 <= self.kernel_size <= MAX_KERNEL:
            raise SpecError("kernel_size_range", value=self.kernel_size, high=MAX_KERNEL)
        self._check_channels()
        channels = [
            self.base_input,
            np.fliplr(self.base_input),
            np.flipud(self.base_input),
        ]
        weight = np.stack([np.stack([self._kernel_for(o)] * self.in_channels) for o in range(self.out_channels)])
        bias = np.zeros(self.out_channels)
        given = np.array(self.bias[: self.out_channels], dtype=np.float64)
        bias[: given.size] = given
        return ConvSpec(
            input=np.stack(channels[: self.in_channels]),
            weight=weight,
            bias=bias,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
        )

    def _check_channels(self) -> None:
        """Before anything is built: 10⁹ output channels would stack 10⁹ kernels before ConvSpec could refuse them.

        Where conv2d itself refuses (no output channel, a negative count) its words are quoted.
        """
        k = self.kernel_size
        if not 1 <= self.in_channels <= MAX_IN_CHANNELS:
            height, width = self.base_input.shape
            raise SpecError(
                "in_channels_range",
                torch_message=_negative_dimension([1, self.in_channels, height, width]),
                got=self.in_channels,
                limit=MAX_IN_CHANNELS,
            )
        if not 1 <= self.out_channels <= MAX_OUT_CHANNELS:
            weight = [self.out_channels, self.in_channels, k, k]
            words = _negative_dimension(weight)
            if self.out_channels == 0:
                words = f"Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size {weight} instead"
            raise SpecError("out_channels_range", torch_message=words, got=self.out_channels, limit=MAX_OUT_CHANNELS)

    def _kernel_for(self, out_channel: int) -> np.ndarray:
        if out_channel == 0:
            return self.base_kernel
        if self.kernel_name == CUSTOM:
            return np.rot90(self.base_kernel, -out_channel)
        names = list(KERNELS)
        name = names[(names.index(self.kernel_name) + out_channel) % len(names)]
        return kernel_preset(name, self.kernel_size)

    def kernel_name_for(self, out_channel: int) -> str:
        if self.kernel_name == CUSTOM:
            return CUSTOM
        names = list(KERNELS)
        return names[(names.index(self.kernel_name) + out_channel) % len(names)]

    def with_kernel_size(self, size: int) -> ConvSetup:
        """A preset is redrawn at the new size; a custom kernel is cropped or zero-extended."""
        if not 1 <= size <= MAX_KERNEL:
            raise SpecError("kernel_size_range", value=size, high=MAX_KERNEL)
        if self.kernel_name != CUSTOM:
            return replace(
                self,
                kernel_size=size,
                base_kernel=kernel_preset(self.kernel_name, size),
            )
        kernel = np.zeros((size, size))
        keep = min(size, self.kernel_size)
        kernel[:keep, :keep] = self.base_kernel[:keep, :keep]
        return replace(self, kernel_size=size, base_kernel=kernel)

    def with_next_kernel(self) -> ConvSetup:
        names = list(KERNELS)
        following = names[0] if self.kernel_name == CUSTOM else names[(names.index(self.kernel_name) + 1) % len(names)]
        return replace(
            self,
            kernel_name=following,
            base_kernel=kernel_preset(following, self.kernel_size),
        )

    def with_next_input(self) -> ConvSetup:
        names = list(INPUTS)
        following = names[0] if self.input_name not in names else names[(names.index(self.input_name) + 1) % len(names)]
        return replace(self, input_name=following, base_input=input_preset(following))

    def with_random_input(self, seed: int) -> ConvSetup:
        height, width = self.base_input.shape
        return replace(
            self,
            input_name=f"random #{seed}",
            base_input=random_input(seed, height, width),
        )

    def with_custom(self, base_input: np.ndarray, base_kernel: np.ndarray, bias: tuple[float, ...]) -> ConvSetup:
        """Typed matrices; the kernel must be square, since the lesson's K is one number."""
        if base_kernel.shape[0] != base_kernel.shape[1]:
            raise SpecError(
                "kernel_not_square",
                height=base_kernel.shape[0],
                width=base_kernel.shape[1],
            )
        bias = bias or (0.0,) * self.out_channels
        if len(bias) != self.out_channels:
            raise SpecError("bias_shape", expected=self.out_channels, got=len(bias))
        same_input = np.array_equal(base_input, self.base_input)
        same_kernel = np.array_equal(base_kernel, self.base_kernel)
        return replace(
            self,
            input_name=self.input_name if same_input else CUSTOM,
            base_input=base_input,
            kernel_name=self.kernel_name if same_kernel else CUSTOM,
            base_kernel=base_kernel,
            kernel_size=base_kernel.shape[0],
            bias=bias,
        )


def _negative_dimension(shape: list[int]) -> str | None:
    """torch's words for a tensor of `shape` when a size in it is negative."""
    negative = next((size for size in shape if size < 0), None)
    return None if negative is None else f"Trying to create tensor with negative dimension {negative}: {shape}"
