"""Every sentence true for the setting it describes (issue 10's numbered statements), in both languages.

Each test reproduces a sentence that was false or misleading for some setting,
through `--plain` (the words the screen shows too) or on screen, and checks the
sentence that replaced it.
"""

from __future__ import annotations

import pytest
from pilot_support import drive, lesson, text

from tui.cli import main


def plain(capsys, *args: str, lang: str = "en") -> str:
    assert main(["--lang", lang, *args, "--plain"]) == 0
    return capsys.readouterr().out


# 1. broadcast: the axis that fails names the two sizes that clash ------------------


@pytest.mark.parametrize(
    "shapes, clash, fits",
    [(("2,3", "4,1", "5"), ("a:3", "c:5"), "b:1"), (("3,1", "2,1", "4"), ("a:3", "b:2"), "c:1")],
)
def test_a_three_shape_mismatch_names_the_sizes_that_clash_and_the_one_that_fits(capsys, shapes, clash, fits):
    english = plain(capsys, "broadcast", *shapes)
    failing = next(line for line in english.splitlines() if "differ" in line)
    assert "none of them is 1" not in failing
    assert f"{clash[0]} and {clash[1]} differ and neither is 1" in failing
    assert f"{fits} would fit any size" in failing
    chinese = plain(capsys, "broadcast", *shapes, lang="zh")
    assert (
        "都不是 1" in chinese
        and f"{clash[0]} 与 {clash[1]} 不相等" in chinese
        and f"{fits} 能与任何大小匹配" in chinese
    )


def test_rule_4_is_not_the_larger_size_where_a_1_meets_a_0(capsys):
    """(0,) + (1,) is (0,): the result takes the size that is not 1, which is not the larger one."""
    out = plain(capsys, "broadcast", "0", "1")
    assert "(0,)" in out and "larger" not in out


# 10. broadcast: the lesson's numbers and the check line ---------------------------


def test_the_broadcast_text_makes_the_numbers_the_screen_shows():
    """The screen shows a = 1, 2, 3: the text's example must make those, not np.arange(3) = 0, 1, 2."""
    from tui.i18n import lesson_text

    for lang in ("en", "zh"):
        assert "np.arange(3)" not in lesson_text("broadcast", lang)
        assert "np.arange(1, 4)" in lesson_text("broadcast", lang)


def test_numpy_raises_exactly_this_message_only_once_the_message_is_shown():
    async def body(app, pilot):
        screen = lesson(app)
        assert not screen.query_one("#failure").display
        assert "exactly this message" not in text(app, "#verify")
        assert "refuses these shapes too" in text(app, "#verify")
        await pilot.press("end")
        assert screen.query_one("#failure").display and "ValueError" in text(app, "#failure")
        assert "exactly this message" in text(app, "#verify")

    from engine.broadcast_setup import BroadcastSetup

    drive(body, lesson="broadcast", setup=BroadcastSetup(example="mismatch"))


# 3. pool: windows tile the input only where they do; what is left out is named ----


def test_pool_names_the_rows_and_columns_no_window_covers(capsys):
    """3×3 windows, stride 3 on 8×8: two windows a side cover rows and columns 0–5; 6 and 7 are left out."""
    english = plain(capsys, "pool", "--size", "3")
    assert "tile the input" not in english
    assert "rows 6–7 and columns 6–7 in no window" in english
    chinese = plain(capsys, "pool", "--size", "3", lang="zh")
    assert "恰好铺满" not in chinese and "第 6–7 行和第 6–7 列不在任何窗口中" in chinese
    assert "tile the input" in plain(capsys, "pool", "--size", "2")  # 2×2 on 8×8 does tile it
    overlapping = plain(capsys, "pool", "--size", "3", "--stride", "2")
    assert "row 7 and column 7 in no window" in overlapping


@pytest.mark.parametrize("size, stride, padding", [(2, None, 0), (3, None, 0), (3, 2, 1), (2, 3, 0), (5, 4, 2)])
def test_the_left_out_rows_are_exactly_those_no_window_touches(size, stride, padding):
    from engine.pool_setup import PoolSetup

    spec = PoolSetup(input_name="digit", kernel_size=size, stride=stride, padding=padding).spec()
    covered = [set(), set()]
    s = spec.actual_stride
    height, width = spec.input.shape
    for axis, extent in enumerate((height, width)):
        outputs = (extent + 2 * padding - size) // s + 1
        for start in range(outputs):
            covered[axis] |= {start * s + k - padding for k in range(size)}
        last = max(covered[axis])
        assert list(spec.left_out[axis]) == [r for r in range(extent) if r > last]


# 11. pool has no dilation term and says why; conv says it is linear ----------------


def test_pool_says_why_its_formula_has_no_dilation(capsys):
    from tui.i18n import lesson_text

    assert "dilation=1" in plain(capsys, "pool") and "avg_pool2d has none" in plain(capsys, "pool")
    assert "avg_pool2d 没有这个参数" in plain(capsys, "pool", lang="zh")
    assert "avg_pool2d has no\ndilation" in lesson_text("pool", "en") and "dilation" in lesson_text("pool", "zh")


def test_the_conv_text_says_convolution_is_linear_and_an_activation_follows():
    from tui.i18n import lesson_text

    assert "convolution is linear" in lesson_text("conv", "en") and "activation" in lesson_text("conv", "en")
    assert "卷积是线性" in lesson_text("conv", "zh") and "激活函数" in lesson_text("conv", "zh")


# 4. matmul: counts agree with their nouns, and "no numbers" gives the real reason -


def test_one_number_is_not_numbers_and_an_empty_operand_is_not_too_big(capsys):
    scalar = plain(capsys, "matmul", "5", "5")
    assert "1 numbers" not in scalar and "1 number, a dot product" in scalar
    empty = plain(capsys, "matmul", "0,3", "3,2")
    assert "more than 64" not in empty and "(No numbers: X (0, 3) is empty.)" in empty
    assert "（不显示数值：X (0, 3) 是空的。）" in plain(capsys, "matmul", "0,3", "3,2", lang="zh")
    big = plain(capsys, "matmul", "784", "784,100")
    assert "(No numbers: W (784, 100) has 78,400 numbers, more than 64.)" in big
    single = plain(capsys, "matmul", "3,1", "1,2")
    assert "has 1 number and" in single and "1 product added up" in single


def test_validation_text_counts_in_the_singular_too():
    from engine.errors import SpecError
    from tui.i18n import error_text

    said = error_text(SpecError("ragged_rows", what="input", row=2, got=1, expected=3))
    assert "row 2 has 1 number," in said
    said = error_text(SpecError("matmul_rows", what="X", shape="(1, 3)", rows=1, cols=3, got_rows=2, got_cols=1))
    assert "row(s)" not in said and "needs 1 row of 3 numbers" in said and "got 2 rows of 1" in said


# 5. perceptron: the weighted sum is Σ; y is what the step function makes of it ------


def test_the_weighted_sum_is_called_sigma_and_y_is_the_step_output(capsys):
    out = plain(capsys, "perceptron")
    assert "y = 0.5·0 + 0.5·0 + (-0.7)" not in out
    assert "Σ = 0.5·0 + 0.5·0 + (-0.7) = -0.7 ≤ 0 → y = 0" in out
    xor = plain(capsys, "perceptron", "--gate", "xor2")
    assert "Σ = (-0.5)·1 + (-0.5)·1 + 0.7 = -0.3 ≤ 0 → s1 = 0" in xor


# 9. perceptron: how many grid lines separate each gate, as counted -----------------


def test_the_text_gives_the_grid_search_counts_the_engine_finds():
    from engine.perceptron import TRUTH, separability
    from tui.i18n import lesson_text

    counts = [f"{separability(TRUTH[gate]).separating}" for gate in ("and", "or", "nand")]
    assert counts[2] == "165"
    for lang in ("en", "zh"):
        prose = lesson_text("perceptron", lang)
        assert "hundreds" not in prose and "几百" not in prose
        assert ", ".join(counts[:2]) in prose.replace("、", ", ") and counts[2] in prose


# 6. loss: a cross-entropy below 0 says it comes from δ ------------------------------


def test_a_negative_cross_entropy_is_explained_by_delta(capsys):
    args = ("loss", "--y", "1 0 0 0 0 0 0 0 0 0", "--class", "0")
    english = plain(capsys, *args)
    totals = english.splitlines().index(next(line for line in english.splitlines() if line.startswith("MSE =")))
    assert english.splitlines()[totals].endswith("-1e-7")
    assert "only because of δ = 1e-7" in english.splitlines()[totals + 1]
    assert "只是因为 log 里加了 δ = 1e-7" in plain(capsys, *args, lang="zh")
    assert "δ = 1e-7 inside" not in plain(capsys, "loss")  # the course's example: CE 0.51, nothing to explain


# 7. arch: LeNet-5 is not the course's; the count is attributed to who gives it ------


def test_lenet5_is_not_called_the_courses(capsys):
    from tui.i18n import lesson_text

    english = plain(capsys, "arch")
    assert "the course's" not in english and "1998 paper gives about 60,000" in english
    assert "课程中的" not in plain(capsys, "arch", lang="zh")
    for lang in ("en", "zh"):
        prose = lesson_text("arch", lang)
        assert "course's version" not in prose and "课程中的版本" not in prose
        assert "60,000" in prose


def test_alexnet_found_overlapping_pooling_only_slightly_harder_to_overfit():
    from tui.i18n import lesson_text

    assert "slightly harder to overfit" in lesson_text("pool", "en")
    assert "更不容易过拟合" not in lesson_text("pool", "zh") and "稍微难一些" in lesson_text("pool", "zh")


# 8. index: a slice beside an index array gives out more axes than the arrays have ---


def test_mixed_slice_and_array_indexing_is_not_narrated_as_one_cell_per_position(capsys):
    english = plain(capsys, "index", "a[::-1, [1, 0]]")
    first = next(line for line in english.splitlines() if line.startswith("step 1/"))
    assert "out[i] = a[arrays at i]" not in first
    assert "out has shape (3, 2)" in first and "Along axis 1 out follows the positions i" in first
    assert "out 的形状是 (3, 2)" in plain(capsys, "index", "a[::-1, [1, 0]]", lang="zh")
    pure = plain(capsys, "index", "a[[0, 2], [1, 0]]")
    assert "out[i] = a[arrays at i]" in pure  # the arrays alone: one cell per position is right
    assert "the 2 values of out" in pure and "value(s)" not in pure
