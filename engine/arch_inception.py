"""GoogLeNet's Inception block as data: four branches side by side, their rows and their concatenated output.

Its branches are engine/arch.py's Conv and Pool layers, run one after another
with arch.run; the block's row adds up their channels, parameters and multiply-adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.arch import Conv, LayerRow, Pool, Shape, compact, grouped, run


@dataclass(frozen=True)
class Inception:
    """torchvision's Inception block: four branches side by side, their channels concatenated.

    1×1; 1×1 then 3×3; 1×1 then 3×3 (the paper's 5×5: torchvision keeps 3×3, vision issue #906);
    3×3 max pool (stride 1, padding 1, ceil mode) then 1×1. Every conv is a BasicConv2d.
    """

    name: str
    ch1x1: int
    ch3x3red: int
    ch3x3: int
    ch5x5red: int
    ch5x5: int
    pool_proj: int
    kind = "inception"

    @property
    def config(self) -> str:
        return self.name.removeprefix("inception")

    @property
    def branches(self) -> tuple[tuple[Conv | Pool, ...], ...]:
        name = self.name
        return (
            (Conv(f"{name}.branch1", self.ch1x1, 1, batch_norm=True),),
            (
                Conv(f"{name}.branch2.0", self.ch3x3red, 1, batch_norm=True),
                Conv(f"{name}.branch2.1", self.ch3x3, 3, padding=1, batch_norm=True),
            ),
            (
                Conv(f"{name}.branch3.0", self.ch5x5red, 1, batch_norm=True),
                Conv(f"{name}.branch3.1", self.ch5x5, 3, padding=1, batch_norm=True),
            ),
            (
                Pool(f"{name}.branch4.0", "max", 3, 1, 1, ceil_mode=True),
                Conv(f"{name}.branch4.1", self.pool_proj, 1, batch_norm=True),
            ),
        )

    def apply(self, shape: Shape) -> LayerRow:
        rows = tuple(run(branch, shape) for branch in self.branches)
        outs = [branch[-1].out_shape for branch in rows]
        channels = sum(out[0] for out in outs)
        params = [sum(row.params for row in branch) for branch in rows]
        macs = [sum(row.macs for row in branch) for branch in rows]
        numbers = (
            self.ch1x1,
            self.ch3x3red,
            self.ch3x3,
            self.ch5x5red,
            self.ch5x5,
            self.pool_proj,
        )
        return LayerRow(
            name=self.name,
            kind=self.kind,
            config=self.config,
            call=f"Inception({shape[0]}, {', '.join(map(str, numbers))})",
            brief=self.config,
            in_shape=shape,
            # every branch keeps H×W (padding 1 on the 3×3s and the pool)
            out_shape=(channels, *outs[0][1:]),
            shape_formula=" + ".join(str(out[0]) for out in outs) + f" = {channels}",
            params=sum(params),
            params_formula=" + ".join(compact(value) for value in params) + f" = {grouped(sum(params))}",
            macs=sum(macs),
            macs_formula=" + ".join(compact(value) for value in macs) + f" = {grouped(sum(macs))}",
            branches=rows,
        )
