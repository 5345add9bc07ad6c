"""Units of the SBML export: the unit table and the dimension inference behind every rule's declared unit."""

from __future__ import annotations

import pytest

from ferronet.errors import FerronetError
from ferronet.io.units import EFFECT_UNITS, PARAMETER_UNITS, UNITS, infer, sbml_unit, unit_for
from ferronet.model.expressions import parse_expression
from ferronet.model.network import EFFECTS


def test_every_model_unit_maps_to_a_declared_unit(packaged):
    for p in packaged.parameters.values():
        unit = sbml_unit(p.unit, p.id)
        assert unit == "dimensionless" or unit in UNITS


def test_unknown_unit_is_a_clear_error():
    with pytest.raises(FerronetError, match=r"furlong.*known: .*uM"):
        sbml_unit("furlong", "parameter x")


def test_every_effect_has_a_unit():
    assert set(EFFECT_UNITS) == set(EFFECTS)


def test_hour_and_micromolar_are_what_they_say():
    assert UNITS["hour"].parts == (("second", 1, 0, 3600.0),)
    assert UNITS["micromolar"].parts == (("mole", 1, -6, 1.0), ("litre", -1, 0, 1.0))
    assert set(PARAMETER_UNITS.values()) <= {*UNITS, "dimensionless"}


def test_inference_multiplies_divides_and_checks_sums():
    dims = {"k": (-1, 0), "x": (0, 0), "dose": (0, 1), "ic50": (0, 1)}
    assert infer(parse_expression("k * x"), dims, "t") == (-1, 0)
    assert infer(parse_expression("dose / ic50 * k"), dims, "t") == (-1, 0)
    assert infer(parse_expression("k ** 2"), dims, "t") == (-2, 0)
    assert infer(parse_expression("hill(dose, ic50, 2) + x"), dims, "t") == (0, 0)
    assert unit_for((-1, 0)) == "per_hour"
    with pytest.raises(FerronetError, match="adds terms of different units"):
        infer(parse_expression("k + x"), dims, "rule r")
    with pytest.raises(FerronetError, match="non-integer power"):
        infer(parse_expression("dose ** x"), dims, "rule r")


def test_radiation_and_ifng_doses_have_their_own_dimensions():
    dims = {"gy": UNITS["dose_gray"].dim, "ref": UNITS["dose_gray"].dim, "ng": UNITS["nanogram_per_millilitre"].dim}
    assert PARAMETER_UNITS["Gy"] == "dose_gray" and PARAMETER_UNITS["ng/mL"] == "nanogram_per_millilitre"
    assert infer(parse_expression("gy / ref"), dims, "t") == (0, 0)
    assert unit_for(infer(parse_expression("gy * 2"), dims, "t")) == "dose_gray"
    assert unit_for(infer(parse_expression("ng"), dims, "t")) == "nanogram_per_millilitre"
    with pytest.raises(FerronetError, match="adds terms of different units"):
        infer(parse_expression("gy + ng"), dims, "rule r")


def test_dosed_conditions_are_exported_with_their_units(packaged):
    import libsbml

    from ferronet.io.sbml import to_sbml

    m = libsbml.readSBMLFromString(to_sbml(packaged)).getModel()
    assert m.getParameter("cond_radiation").getUnits() == "dose_gray"
    assert m.getParameter("cond_IFNG").getUnits() == "nanogram_per_millilitre"
    assert m.getParameter("cond_hypoxia").getUnits() == "dimensionless"
