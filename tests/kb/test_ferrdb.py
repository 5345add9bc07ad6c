"""FerrDb V2 import (real files from ../shared) and sign conflicts."""

from __future__ import annotations

import pytest

from ferronet.errors import FerronetError, ValidationError
from ferronet.kb import conflicts, connect, import_ferrdb


def test_import_keeps_confidence_grades_and_finds_conflicts(kb, shared):
    summary = import_ferrdb(shared / "data/external/ferrdb_v2", kb)
    assert summary.regulators > 2000
    assert summary.edges > 1000
    con = connect(kb)
    grades = {g for (g,) in con.execute("SELECT DISTINCT confidence FROM ferrdb_regulators")}
    con.close()
    assert {"Validated", "Deduced"} <= grades
    found = conflicts(kb)
    assert all(c.our_sign != c.ferrdb_sign for c in found)
    # FerrDb calls GPX4 a suppressor and so do we: no conflict on GPX4 -> ferroptosis
    assert not any(c.source == "GPX4" and c.target == "ferroptosis" for c in found)


def test_import_from_a_wrong_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FerronetError, match="no FerrDb files"):
        import_ferrdb(tmp_path)


def test_malformed_ferrdb_header_reported(tmp_path):
    (tmp_path / "driver.csv").write_text("RCD,Nothing\nFerroptosis,x\n")
    with pytest.raises(ValidationError, match=r"driver\.csv:1"):
        import_ferrdb(tmp_path)
