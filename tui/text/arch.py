"""The architectures lesson's words around each layer, and the `--plain` table."""

from __future__ import annotations

from engine.arch import KIND_LABELS, LayerRow, grouped, shape_text
from engine.arch_nets import ArchSpec, arch_trace
from tui.i18n import lesson_title, t
from tui.text import table_lines

BRANCH_WIDTH = 12


def formula_lines(row: LayerRow) -> list[str]:
    """The layer's arithmetic: output size, parameters and multiply-adds with its numbers, or the inception diagram."""
    if row.branches:
        return inception_lines(row)
    lines = [row.shape_line] if row.shape_line else []
    lines += [row.params_line] if row.params else []
    return lines + ([t("arch.macs_line", formula=row.macs_formula)] if row.macs else [])


def detail_lines(row: LayerRow) -> list[str]:
    """At most five lines under the table: in → out, the arithmetic, and what the layer does."""
    if row.branches:
        return inception_lines(row)
    return [
        t("arch.io", before=row.in_text, after=row.out_text),
        *formula_lines(row),
        t(f"arch.note_{row.kind}"),
    ]


def inception_lines(row: LayerRow) -> list[str]:
    """The input, the four branches as columns (top to bottom), their concatenation, the parameters per branch."""
    depth = max(len(branch) for branch in row.branches)
    columns = [[""] * (depth - len(branch)) + [layer.brief for layer in branch] for branch in row.branches]
    grid = ["".join(f"│ {column[level]}".ljust(BRANCH_WIDTH) for column in columns).rstrip() for level in range(depth)]
    return [
        t("arch.inception_in", shape=row.in_text),
        *grid,
        t("arch.inception_concat", formula=row.shape_formula, shape=row.out_text),
        t("arch.inception_params", formula=row.params_formula),
    ]


def history(spec: ArchSpec) -> str:
    return t(f"arch.history_{spec.network}")


def plain(spec: ArchSpec) -> str:
    """The network's table (inception branches indented under their block), the totals, then each layer's arithmetic."""
    trace = arch_trace(spec)
    header = [
        "#",
        t("arch.col_layer"),
        t("arch.col_type"),
        t("arch.col_config"),
        t("arch.col_output"),
        t("arch.col_params"),
        t("arch.col_macs"),
    ]
    rows = [header, ["", t("arch.input"), "", "", shape_text(spec.input_shape), "", ""]]
    for number, row in enumerate(trace.rows, start=1):
        rows.append(
            [
                str(number),
                row.name,
                KIND_LABELS[row.kind],
                row.config,
                row.out_text,
                grouped(row.params),
                grouped(row.macs),
            ]
        )
        for branch in row.branches:
            for layer in branch:
                name = "  " + layer.name.removeprefix(f"{row.name}.")
                rows.append(
                    [
                        "",
                        name,
                        KIND_LABELS[layer.kind],
                        layer.config,
                        layer.out_text,
                        grouped(layer.params),
                        grouped(layer.macs),
                    ]
                )
    lines = [lesson_title("arch"), f"{spec.net.title} · {history(spec)}", ""]
    lines += table_lines(rows, (True, False, False, False, False, True, True))
    lines += [
        "",
        t(
            "cli.arch_totals",
            params=grouped(trace.total_params),
            macs=grouped(trace.total_macs),
        ),
    ]
    lines += [
        t(
            "cli.arch_published",
            published=grouped(spec.net.published_params),
            source=t(f"arch.source_{spec.net.source}"),
        ),
        "",
        t("cli.arch_arithmetic"),
    ]
    for number, row in enumerate(trace.rows, start=1):
        lines.append(f"  {number} {row.name}: {row.call} → {row.out_text}")
        lines += [f"      {line}" for line in formula_lines(row)]
    return "\n".join(lines)
