"""Radiation in Gy and IFN-gamma in ng/mL: the dose grammar, the dose-dependent inputs and the default dose."""

from __future__ import annotations

import numpy as np
import pytest

from ferronet.errors import FerronetError
from ferronet.model.expressions import parse_expression
from ferronet.model.network import REFERENCE_DOSES, Rule, _check_model
from ferronet.model.perturbation import CONDITION_DOSES, Perturbation, PerturbationSyntaxError
from ferronet.sim import simulate
from ferronet.sim.codegen import compile_model


@pytest.mark.parametrize(
    ("text", "target", "dose"),
    [
        ("radiation@6Gy", "radiation", 6.0),
        ("radiation@2.5gy", "radiation", 2.5),
        ("radiation@800cGy", "radiation", 8.0),
        ("Radiation@0Gy", "radiation", 0.0),
        ("radiation", "radiation", 6.0),
        ("IFNG@10ng/mL", "IFNG", 10.0),
        ("IFNG@10ng/ml", "IFNG", 10.0),
        ("IFNG@10ngml", "IFNG", 10.0),
        ("ifng@500pg/mL", "IFNG", 0.5),
        ("IFNG@1ug/mL", "IFNG", 1000.0),
        ("IFNG", "IFNG", 10.0),
    ],
)
def test_dosed_conditions_parse_and_round_trip(model, text, target, dose):
    p = model.resolve(text)
    assert p == Perturbation("condition", target, dose=dose)
    assert model.resolve(str(p)) == p
    assert str(p).endswith(CONDITION_DOSES[target].unit)


def test_bare_name_means_the_documented_default_and_the_model_reference(model):
    for cond, ref in REFERENCE_DOSES.items():
        assert Perturbation("condition", cond).dose == CONDITION_DOSES[cond].default == model.parameters[ref].value
        assert model.parameters[ref].unit == CONDITION_DOSES[cond].unit
    assert str(Perturbation("condition", "radiation")) == "radiation@6Gy"
    assert str(Perturbation("condition", "IFNG")) == "IFNG@10ng/mL"


def test_constructed_dosed_conditions_are_checked_too():
    with pytest.raises(PerturbationSyntaxError, match="outside 0 to 100 Gy"):
        Perturbation("condition", "radiation", dose=float("nan"))
    with pytest.raises(PerturbationSyntaxError, match="outside 0 to 10000 ng/mL"):
        Perturbation("condition", "IFNG", dose=-1.0)


def test_on_off_conditions_and_drugs_keep_their_grammar(model):
    assert model.resolve("hypoxia") == Perturbation("condition", "hypoxia")
    assert str(model.resolve("hypoxia")) == "hypoxia"
    assert model.resolve("erastin@10uM") == Perturbation("compound", "erastin", "", 10.0)
    assert model.resolve("RSL3@100nM").dose_uM == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("radiation@5uM", r"radiation takes a dose in Gy, not 'uM'"),
        ("radiation@6", r"radiation takes a dose in Gy; write the unit"),
        ("IFNG@10Gy", r"IFNG takes a dose in ng/mL, not 'Gy'"),
        ("IFNG@10nM", r"IFNG takes a dose in ng/mL"),
        ("radiation@200Gy", r"outside the accepted range 0 to 100 Gy"),
        ("IFNG@20ug/mL", r"outside the accepted range 0 to 10000 ng/mL"),
        ("radiation@1e999Gy", r"outside the accepted range"),
        ("radiation@-2Gy", r"non-negative number and a unit"),
        ("radiation@6Sv", r"unknown dose unit 'Sv'.*Gy for radiation; ng/mL for IFNG"),
        ("erastin@6Gy", r"erastin takes a molar dose \(nM, uM or mM\), not 'Gy'"),
        ("hypoxia@1Gy", r"hypoxia takes no dose \(only radiation \(Gy\), IFNG \(ng/mL\) do\)"),
    ],
)
def test_wrong_units_and_absurd_doses_name_the_accepted_unit(model, text, message):
    with pytest.raises((PerturbationSyntaxError, FerronetError), match=message):
        model.resolve(text)


def test_doses_of_one_condition_add_up(model):
    ps = [model.resolve("radiation@2Gy"), model.resolve("radiation@4Gy"), model.resolve("hypoxia")]
    assert model.exposure_values(ps) == {"cond_radiation": 6.0, "cond_hypoxia": 1.0}


def test_reference_dose_must_equal_the_default(model):
    _check_model(model)
    with pytest.raises(FerronetError, match="radiation_ref_Gy: must be 6 Gy"):
        _check_model(model.with_parameters({"radiation_ref_Gy": 5.0}, "test"))


def _old_on_off(model):
    """The model as it was with on/off conditions: the dose terms replaced by the 0/1 switch itself."""
    old = model.copy()
    swap = {"radiation_dose": "cond_radiation", "radiation_acsl4": "cond_radiation", "IFNG_signal": "cond_IFNG"}
    old.rules = [Rule(r.id, parse_expression(swap[r.id])) if r.id in swap else r for r in model.rules]
    return old


def _evaluate(model, conditions: dict[str, float]):
    compiled = compile_model(model)
    c = compiled.const({**model.default_values(), **conditions})
    y = np.array([s.initial for s in model.species]) * 1.3  # a state away from the default
    return compiled.observe(y, c), compiled.rhs(y, c)


def test_default_dose_equals_the_former_on_state(model):
    new = model.exposure_values([model.resolve("radiation"), model.resolve("IFNG")])
    assert new == {"cond_radiation": 6.0, "cond_IFNG": 10.0}
    rules_new, rhs_new = _evaluate(model, new)
    rules_old, rhs_old = _evaluate(_old_on_off(model), {"cond_radiation": 1.0, "cond_IFNG": 1.0})
    np.testing.assert_allclose(rhs_new, rhs_old, rtol=0, atol=1e-9)
    for name in ("ROS", "ROS_prev", "DNA_dmg", "ACSL4_lvl", "IFN_act", "slc7a11_drive", "SLC3A2_lvl"):
        assert rules_new[name] == pytest.approx(rules_old[name], abs=1e-9), name
    assert rules_new["ROS"] > _evaluate(model, {})[0]["ROS"]  # and the dose does something


def test_dose_terms_are_linear_and_saturating(model):
    rules = {g: _evaluate(model, {"cond_radiation": g})[0] for g in (2.0, 4.0, 6.0, 60.0)}
    assert rules[4.0]["radiation_dose"] == pytest.approx(2 * rules[2.0]["radiation_dose"])
    acsl4 = [rules[g]["radiation_acsl4"] for g in (2.0, 4.0, 6.0, 60.0)]
    assert acsl4[0] < acsl4[1] < acsl4[2] == pytest.approx(1.0) and acsl4[3] < 2.0
    assert acsl4[1] - acsl4[0] > acsl4[2] - acsl4[1]  # concave: saturating


@pytest.fixture(scope="module")
def dose_responses():
    from ferronet.model import load_model

    model = load_model()
    gy = [0, 2, 4, 6, 8]
    ng = [0, 0.3, 1, 3, 10, 100, 1000]
    arms = [["RSL3@0.02uM", f"radiation@{g}Gy"] for g in gy] + [["RSL3@0.02uM", "radiation"]]
    arms += [[f"IFNG@{x}ng/mL"] for x in ng] + [["IFNG"]]
    r = simulate(arms, model=model)
    death, lpo, xct = r.readout("ferroptosis"), r.readout("lipid_peroxidation"), r.readout("SLC7A11")
    n = len(gy)
    return {
        "death": death[:n],
        "lpo": lpo[:n],
        "bare_radiation": (death[n], lpo[n], death[gy.index(6)], lpo[gy.index(6)]),
        "slc7a11": xct[n + 1 : n + 1 + len(ng)],
        "bare_ifng": (xct[-1], xct[n + 1 + ng.index(10)]),
    }


def test_death_and_lipid_peroxidation_rise_with_gy_under_rsl3(dose_responses):
    assert np.all(np.diff(dose_responses["death"]) > 0), dose_responses["death"]
    assert np.all(np.diff(dose_responses["lpo"]) > 0), dose_responses["lpo"]
    assert dose_responses["death"][-1] - dose_responses["death"][0] > 0.3


def test_slc7a11_falls_with_ifng_and_saturates(dose_responses):
    xct = dose_responses["slc7a11"]
    assert np.all(np.diff(xct) < 0), xct
    assert xct[0] - xct[4] > 0.3  # 0 -> 10 ng/mL: most of the repression
    assert xct[5] - xct[6] < 0.05 * (xct[0] - xct[4])  # 100 -> 1000 ng/mL: saturated


def test_bare_names_simulate_as_the_default_dose(dose_responses):
    d_bare, l_bare, d6, l6 = dose_responses["bare_radiation"]
    assert d_bare == pytest.approx(d6, abs=1e-9) and l_bare == pytest.approx(l6, abs=1e-9)
    x_bare, x10 = dose_responses["bare_ifng"]
    assert x_bare == pytest.approx(x10, abs=1e-9)


def test_model_show_describes_a_condition_and_refuses_a_compound(model):
    from ferronet.model.describe import describe_node

    rad = describe_node(model, "radiation")
    rules = {r[0] for r in rad.rules}
    assert {"radiation_dose", "radiation_acsl4", "DNA_dmg", "ROS", "ACSL4_lvl"} <= rules
    assert {"radiation_ref_Gy", "K_rad_acsl4", "k_rad_ros"} <= {p[0] for p in rad.parameters}
    ifng = describe_node(model, "IFNG")
    assert {"IFNG_signal", "IFNG_signal_ref", "IFN_act"} <= {r[0] for r in ifng.rules}
    assert not any(r[0].startswith("e_") for r in describe_node(model, "hypoxia").rules)  # generated levels left out
    assert describe_node(model, "STAT1").id == "STAT1"
    with pytest.raises(FerronetError, match="erastin' is a compound"):
        describe_node(model, "erastin")
