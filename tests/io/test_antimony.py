"""Antimony view of the SBML export: readable text that converts back to the same SBML model."""

from __future__ import annotations

import pytest

from ferronet.io.sbml import consistency
from tests.io.conftest import sbml_model


@pytest.fixture(scope="module")
def antimony_text(exports):
    pytest.importorskip("antimony")
    from ferronet.io.antimony import sbml_to_antimony

    return sbml_to_antimony(exports["protocol"])


def test_antimony_is_readable(antimony_text):
    assert "model *ferronet_ferroptosis()" in antimony_text
    assert "species NRF2 in cell" in antimony_text
    assert "exposure_start: at time >= t_preculture" in antimony_text.replace("  ", " ")
    assert "unit hour = 3600 second" in antimony_text


def test_antimony_round_trips_to_the_same_sbml_model(exports, antimony_text):
    from ferronet.io.antimony import antimony_to_sbml

    back = antimony_to_sbml(antimony_text)
    _, a = sbml_model(exports["protocol"])
    _, b = sbml_model(back)
    for what in ("Species", "Reactions", "Parameters", "Rules", "Events"):
        assert getattr(b, f"getNum{what}")() == getattr(a, f"getNum{what}")(), what
    for p in a.getListOfParameters():
        q = b.getParameter(p.getId())
        assert q.getUnits() == p.getUnits(), p.getId()
        if a.getAssignmentRuleByVariable(p.getId()) is None:  # rule variables carry no value of their own
            assert q.getValue() == pytest.approx(p.getValue()), p.getId()
    assert b.getTimeUnits() == "hour"
    ours = {u.getId() for u in a.getListOfUnitDefinitions()}
    assert ours <= {u.getId() for u in b.getListOfUnitDefinitions()}
    assert b.getSpecies("NRF2").getNumCVTerms() == a.getSpecies("NRF2").getNumCVTerms()
    assert consistency(back)["errors"] == 0


def test_bad_antimony_is_a_clear_error():
    pytest.importorskip("antimony")
    from ferronet.errors import FerronetError
    from ferronet.io.antimony import antimony_to_sbml

    with pytest.raises(FerronetError, match="Antimony could not read"):
        antimony_to_sbml("model broken()\n  x = 1 +* ;\nend")
