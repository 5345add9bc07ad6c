"""Recommendations: the leak-free split, the profile path, the labels and the dose pair."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ferronet.cli.main import cli
from ferronet.errors import FerronetError, UnknownNameError
from ferronet.screen.recommend import LITERATURE_ONLY, Holdout, rank, recommend
from ferronet.screen.recommend.context import (
    ONCOGENES,
    documented,
    leave_one_paper_out,
    primary_paper,
    resistant_state,
)
from ferronet.screen.recommend.evaluate import Outcome, mrr, recall
from ferronet.screen.recommend.literature import priors, stands_for
from ferronet.screen.recommend.moves import Move, build_moves


def _twins(kb, s):
    agent = s.agent.partition(":")[0]
    return [
        o
        for o in kb.strategies
        if o.id != s.id
        and (
            primary_paper(kb, o) == primary_paper(kb, s)
            or (o.therapy, o.cancer, o.agent.partition(":")[0]) == (s.therapy, s.cancer, agent)
        )
    ]


def test_leave_one_paper_out_hides_every_twin(kb):
    with_twins = [s for s in kb.strategies if _twins(kb, s)]
    assert len(with_twins) >= 20  # the KB has papers curated from two seeds
    for s in with_twins:
        hidden = leave_one_paper_out(kb, s).strategies
        assert s.id in hidden and {o.id for o in _twins(kb, s)} <= hidden


def test_one_paper_cited_by_two_seeds_is_one_paper(kb):
    # the MIR141 paper is reference 000:135 in one seed and 004:103 in another
    a = next(s for s in kb.strategies if s.refs[0] == "000:135")
    b = next(s for s in kb.strategies if s.refs[0] == "004:103")
    assert (a.therapy, a.cancer, a.agent) != (b.therapy, b.cancer, b.agent)
    assert b.id in leave_one_paper_out(kb, a).strategies and a.id in leave_one_paper_out(kb, b).strategies
    hold = leave_one_paper_out(kb, a)
    assert "000:135" in hold.papers
    assert hold.hides(kb, ["004:103"]) and not hold.hides(kb, ["004:103", "000:2"]) and not hold.hides(kb, [])


def test_the_seed_review_is_not_the_paper_of_a_finding(kb):
    # three ALDH1A1 strategies cite the review (000:0) and the paper it summarises: 000:122, 000:123, 000:124
    aldh = [s for s in kb.strategies if s.agent == "ALDH1A1:inhibition"]
    assert {s.refs[0] for s in aldh} == {"000:0"}
    papers = {primary_paper(kb, s) for s in aldh}
    assert {"000:122", "000:123", "000:124"} <= papers
    lung = next(s for s in aldh if primary_paper(kb, s) == "000:123")
    hold = leave_one_paper_out(kb, lung)
    assert not {s.id for s in aldh if primary_paper(kb, s) != "000:123"} & hold.strategies
    assert "000:0" not in hold.papers and "000:123" in hold.papers  # the review's own statements stay visible
    only_review = next(s for s in kb.strategies if s.refs == ("000:0",))
    assert primary_paper(kb, only_review) == "000:0"


def test_hidden_paper_leaves_no_trace(kb, model):
    s = kb.strategies_of("SQSTM1")[0]  # SQSTM1 knockdown, documented by one paper for erastin and sorafenib
    assert s.agent.startswith("SQSTM1")
    hold = leave_one_paper_out(kb, s)
    assert "SQSTM1" in hold.genes
    _, _, tclass = s.therapy, s.cancer, s.therapy_class
    used = documented(kb, s.therapy, s.cancer, tclass, hold)
    assert not {o.id for o in used} & hold.strategies
    state = resistant_state(model, used, holdout=hold)
    assert "SQSTM1" not in {p.target for p in state}  # the hidden agent's target does not re-enter the state
    assert "SQSTM1" in {
        p.target for p in resistant_state(model, documented(kb, s.therapy, s.cancer, tclass, Holdout()))
    }
    move = Move("SQSTM1 inhibition", "target", ("SQSTM1",), "inhibition", "NRF2", names=frozenset({"SQSTM1"}))
    open_use = priors(kb, s.therapy, s.cancer, tclass, Holdout()).of(move)[0]
    held_use = priors(kb, s.therapy, s.cancer, tclass, hold).of(move)[0]
    assert held_use < open_use


def test_no_oncogene_overexpression_and_targets_carry_their_tools(kb, model):
    moves = build_moves(kb, model, {"sorafenib"})
    assert not [m for m in moves if m.action in ("overexpression", "activation") and set(m.targets) & ONCOGENES]
    by_key = {m.key: m for m in moves}
    gpx4 = by_key["GPX4 inhibition"]
    assert {"RSL3", "ML162"} <= {t.compound for t in gpx4.tools} and gpx4.modalities
    assert all(t.range_uM[0] < t.range_uM[1] <= t.dose_uM + 1e-12 for t in gpx4.tools)
    assert "RSL3" not in by_key  # single-target compounds are listed under their target, not as moves of their own
    assert any(m.kind == "literature" for m in moves)


@pytest.fixture(scope="module")
def sorafenib():
    from ferronet.kb import load_kb
    from ferronet.model import load_model

    kb, model = load_kb(), load_model()
    return kb, model, recommend("sorafenib", "HCC", top=5, kb=kb, model=model)


def test_literature_only_moves_are_labelled_and_kept_out(sorafenib):
    kb, model, rep = sorafenib
    assert all(r.kind != "literature" for r in rank(rep.all))
    lit = [r for r in rank(rep.all, include_literature_only=True) if r.kind == "literature"]
    assert lit and all(r.basis == LITERATURE_ONLY and r.sim == 0 and r.death_with_therapy is None for r in lit)
    shown = recommend("sorafenib", "HCC", top=500, kb=kb, model=model, include_literature_only=True, doses=False)
    assert any(r.kind == "literature" for r in shown.recommendations)


def test_ranking_is_mechanism_first_with_dose_pairs(sorafenib):
    _, _, rep = sorafenib
    top = rep.recommendations
    assert top[0].sim > 0.02  # the best move has a simulated effect
    flags = [r.simulated_effect for r in top]
    assert flags == sorted(flags, reverse=True)  # no move without a simulated effect above one with it
    for group in (True, False):
        kinds = [r.kind == "regulator" for r in top if r.simulated_effect == group]
        assert kinds == sorted(kinds)  # moves on model nodes before regulator moves (assumed folds)
        for reg in (False, True):
            fused = [r.fusion for r in top if r.simulated_effect == group and (r.kind == "regulator") == reg]
            assert fused == sorted(fused, reverse=True)
    own = [t for r in top for t in r.target]
    assert len(own) == len(set(own))  # one row per mechanism: no target leads two rows
    assert any(r.alternatives for r in rep.recommendations)
    for r in top:
        assert r.score == pytest.approx(r.sim + r.literature_use + r.literature_axis, abs=1e-3)
    paired = [r for r in top if r.dose_pair]
    assert paired
    for r in paired:
        p = r.dose_pair
        assert {"Bliss", "Loewe", "ZIP", "therapy_uM", "compound_uM"} <= set(p)
        lo, hi = p["compound_range_uM"]
        assert lo - 1e-9 <= p["compound_uM"] <= hi + 1e-9 and 0 < p["therapy_uM"] <= 10.0 + 1e-9


def test_profile_changes_the_answer(sorafenib):
    kb, model, rep = sorafenib
    with pytest.warns(UserWarning, match="1 of 3 profile genes"):
        prof = recommend(
            "sorafenib",
            "HCC",
            profile={"GPX4": 0.2, "xCT": 0.3, "NOTAGENE": 2.0},
            top=5,
            kb=kb,
            model=model,
            doses=False,
        )
    assert set(prof.profile_genes) == {"GPX4", "SLC7A11"}
    before = {r.intervention: r.sim for r in rep.all}
    after = {r.intervention: r.sim for r in prof.all}
    assert max(abs(after[k] - before[k]) for k in before) > 0.05
    assert [r.intervention for r in prof.recommendations] != [r.intervention for r in rep.recommendations] or any(
        abs(after[r.intervention] - before[r.intervention]) > 0.05 for r in rep.recommendations
    )
    with pytest.raises(FerronetError, match="none of the"):
        recommend("sorafenib", "HCC", profile={"NOTAGENE": 2.0}, kb=kb, model=model)
    with pytest.raises(FerronetError, match="finite"):
        recommend("sorafenib", "HCC", profile={"GPX4": float("nan")}, kb=kb, model=model)


def test_bad_input(kb, model):
    with pytest.raises(UnknownNameError) as err:
        recommend("sorafenb", "HCC", kb=kb, model=model)
    assert "sorafenib" in err.value.suggestions
    with pytest.raises(UnknownNameError) as err:
        recommend("sorafenib", "hepatocellular carcinomaa", kb=kb, model=model)
    assert err.value.suggestions
    with pytest.raises(FerronetError, match="unknown ranking"):
        recommend("sorafenib", "HCC", rank_by="vibes", kb=kb, model=model)


def test_metrics():
    outs = [
        Outcome("a", "GPX4", "x", "combined", 1, 1),
        Outcome("b", "GPX4", "x", "combined", 6, 2),
        Outcome("c", "NRF2", "x", "combined", 0, 3),
    ]
    assert recall(outs, 5) == pytest.approx(1 / 3) and recall(outs, 5, "axis") == 1.0
    assert mrr(outs) == pytest.approx((1 + 1 / 6) / 3)


def test_cli_json_and_literature_flag():
    r = CliRunner().invoke(cli, ["recommend", "--therapy", "sorafenib", "--cancer", "HCC", "--top", "5", "--json"])
    assert r.exit_code == 0, r.output
    items = json.loads(r.output)
    assert len(items) == 5 and {"intervention", "target", "axis", "score", "sim", "literature", "evidence"} <= set(
        items[0]
    )
    assert all(i["simulated_effect"] for i in items[:1])
    r = CliRunner().invoke(
        cli, ["recommend", "--therapy", "sorafenib", "--cancer", "HCC", "--top", "3", "--rank-by", "simulation"]
    )
    assert r.exit_code == 0, r.output
    assert "score = sim" in r.output


def test_direction_of_a_documented_move(kb):
    s = next(x for x in kb.strategies if x.agent == "KEAP1:overexpression")
    keys = stands_for(kb, s)
    assert ("KEAP1", True) in keys and ("KEAP1", False) not in keys
    up = Move("KEAP1 overexpression", "target", ("KEAP1",), "overexpression", "NRF2", names=frozenset({"KEAP1"}))
    down = Move("KEAP1 inhibition", "target", ("KEAP1",), "inhibition", "NRF2", names=frozenset({"KEAP1"}))
    only = Holdout(frozenset(x.id for x in kb.strategies if x.id != s.id))  # the KEAP1 paper alone is visible
    pri = priors(kb, s.therapy, s.cancer, s.therapy_class, only)
    assert pri.of(up)[0] > 0 and pri.of(down)[0] == 0


def test_effect_entities_carry_their_direction(kb, model):
    from ferronet.screen.recommend.literature import move_keys
    from ferronet.screen.recommend.moves import acts_up

    assert acts_up("labile-Fe2+", "compound") and not acts_up("GSH", "compound")
    artesunate = next(m for m in build_moves(kb, model, set()) if m.key == "artesunate")
    assert ("labile-Fe2+", True) in move_keys(artesunate)  # iron release raises labile iron
    s = next(x for x in kb.strategies if "labile-Fe2+" in x.agent_target and x.agent_action == "activation")
    assert ("labile-Fe2+", True) in stands_for(kb, s)
