"""Regulator moves (genes outside the model acting on model nodes), the agents added to the compound
library, and the folding of moves with the same model effect into one row."""

from __future__ import annotations

import pytest

from ferronet.screen.recommend import Recommendation, rank
from ferronet.screen.recommend.context import ONCOGENES, leave_one_paper_out
from ferronet.screen.recommend.evaluate import agent_hit
from ferronet.screen.recommend.moves import REGULATOR_FOLD, build_moves, regulator_moves
from ferronet.screen.recommend.simulation import _versions

#: strategy agents of the seed tables that were given a mechanism in data/model/compounds.yaml
ADDED = (
    "sodium-molybdate",
    "vitamin-C-Fe-nanocatalytic-sensitizer",
    "paritaprevir",
    "DMT1-inhibitor",
    "ent-kaurane-diterpenoids",
    "tailored-lipid-iron-presentation",
    "TQB3720",
    "NQO1-mediated-ferroptosis-inducer",
    "arsenic-trioxide",
    "autophagy-inducer",
)


@pytest.fixture(scope="module")
def regulators(kb):
    from ferronet.model import load_model

    return {m.key: m for m in regulator_moves(kb, load_model())}


def test_added_agents_resolve_to_their_kb_names(kb, model):
    for name in ADDED:
        assert kb.resolve(name, ("compound",)).id == name
        assert model.lookup(name) == ("compound", name)
        assert all(m.ref for m in model.compounds[name].mechanisms)  # each mechanism cited


def test_regulator_direction_follows_the_kb_sign(regulators):
    # MIR23A represses ACSL4 (004:133): its inhibition doubles ACSL4
    mir = regulators["MIR23A inhibition"]
    assert mir.kind == "regulator" and mir.targets == ("MIR23A",)
    assert dict(mir.levels) == {"ACSL4": REGULATOR_FOLD} and mir.via == ("ACSL4 up",)
    # DPP9 raises NFE2L2 (004:88): its inhibition halves NFE2L2
    assert dict(regulators["DPP9 inhibition"].levels) == {"NFE2L2": 1 / REGULATOR_FOLD}
    # GLRX5 lowers labile iron (004:108): its loss is simulated as iron loading
    glrx5 = regulators["GLRX5 inhibition"]
    assert [p.target for p in glrx5.extra] == ["iron_loading"] and not glrx5.levels
    label, perturbations, factors = _versions(glrx5)[0]
    assert "iron_loading" in label and perturbations == glrx5.extra and factors == ()


def test_regulators_exclude_model_names_complexes_and_oncogene_gain(regulators):
    genes = {k.rsplit(" ", 1)[0] for k in regulators}
    assert "IFNG" not in genes  # a model condition (the immunotherapy proxy), not a regulator
    assert "system_xc" not in genes  # a complex of model nodes
    assert not any(k.endswith("overexpression") and k.split()[0] in ONCOGENES for k in regulators)
    assert "MYC inhibition" in regulators  # an oncogene may be inhibited


def _row(key, kind, target, action, sim, via=(), names=None):
    names = list(names or target)
    return Recommendation(
        key, kind, list(target), action, "NRF2", sim, True, sim, 0.0, 0.0, 0.0, sim, 0.0, 0.0, sim, "genetic",
        [], [], [], [], via=list(via), names=names,
        keys=[(n, action in ("overexpression", "activation")) for n in names],
    )  # fmt: skip


def test_a_regulator_folds_under_a_better_row_with_the_same_effect(kb):
    rows = [
        _row("NFE2L2 inhibition", "target", ["NFE2L2"], "inhibition", 0.8),
        _row("DPP9 inhibition", "regulator", ["DPP9"], "inhibition", 0.3, via=["NFE2L2 down"]),
        _row("MIR23A inhibition", "regulator", ["MIR23A"], "inhibition", 0.2, via=["ACSL4 up"]),
        _row("CDK1 inhibition", "regulator", ["CDK1"], "inhibition", 0.1, via=["ACSL4 up"]),
        _row("MT1DP inhibition", "regulator", ["MT1DP"], "inhibition", 0.05, via=["NFE2L2 up"]),
    ]
    ranked = rank(rows, "simulation")
    assert [r.intervention for r in ranked] == ["NFE2L2 inhibition", "MIR23A inhibition", "MT1DP inhibition"]
    assert ranked[0].alternatives == ["DPP9 inhibition"] and "DPP9" in ranked[0].names
    assert ranked[1].alternatives == ["CDK1 inhibition"]  # same effect (ACSL4 up): one row
    assert rows[0].alternatives == []  # the input rows are left as they are
    # the folded regulator is a hit for its own strategy, in its own direction
    dpp9 = next(s for s in kb.strategies if s.agent == "DPP9:inhibition")
    assert agent_hit(kb, dpp9, ranked[0])
    assert not agent_hit(kb, dpp9, ranked[2])


def test_a_held_out_paper_supplies_no_regulator_edge(kb, model):
    s = next(s for s in kb.strategies if s.agent == "MIR23A:inhibition")
    open_moves = {m.key: m for m in build_moves(kb, model, set())}
    held = {m.key: m for m in build_moves(kb, model, set(), leave_one_paper_out(kb, s))}
    assert open_moves["MIR23A inhibition"].modalities == ("siRNA/shRNA",)
    # MIR23A's only model edge (ACSL4) comes from the hidden paper: no move, not even a literature one
    assert not {k for k in held if k.startswith("MIR23A")}
    # a regulator whose edges other papers also cite keeps its move (LCN2: iron, GPX4, SLC7A11)
    lcn2 = next(s for s in kb.strategies if s.agent.startswith("LCN2"))
    other = {m.key for m in build_moves(kb, model, set(), leave_one_paper_out(kb, s))}
    assert "LCN2 inhibition" in other
    assert "LCN2 inhibition" not in {m.key for m in build_moves(kb, model, set(), leave_one_paper_out(kb, lcn2))}


def test_a_regulator_row_says_what_it_does_in_the_model():
    from ferronet.screen.recommend.format import tools_text

    row = _row("MIR23A inhibition", "regulator", ["MIR23A"], "inhibition", 0.2, via=["ACSL4 up"])
    row.modalities = ["siRNA/shRNA"]
    assert tools_text(row).startswith(f"model effect: ACSL4 up (KB interactions; {REGULATOR_FOLD:g}-fold, assumed)")
    assert "siRNA/shRNA" in tools_text(row)
