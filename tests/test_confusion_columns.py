"""The confusion matrix's column names are unique however narrow (diamond and diagonal were both "dia")."""

from __future__ import annotations

import pytest

from engine.train.data_files import CLASS_NAMES
from engine.train.shapes_data import CLASS_NAMES as SHAPES
from tui.widgets.confusion import column_names


@pytest.mark.parametrize("names", [SHAPES, *CLASS_NAMES.values(), ("car", "cat", "ca", "c")])
@pytest.mark.parametrize("width", [2, 3, 4])
def test_every_column_name_is_unique_and_fits(names, width):
    columns = column_names(names, width)
    assert len(set(columns)) == len(names) and all(len(column) <= width for column in columns)


def test_a_clash_keeps_the_shared_start_and_names_without_a_clash_stay_cut():
    assert column_names(SHAPES, 3) == ["cir", "squ", "tri", "cro", "h-s", "v-s", "rin", "dim", "che", "dig"]
