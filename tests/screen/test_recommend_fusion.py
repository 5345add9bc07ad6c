"""The combined ranking: mechanism first, regulator moves after moves on model nodes, reciprocal-rank fusion,
and the nested leave-one-paper-out choice of its weight."""

from __future__ import annotations

import pytest

from ferronet.errors import FerronetError
from ferronet.screen.recommend import Recommendation, RecommendationReport, fusion, rank
from ferronet.screen.recommend.evaluate import agent_hit, nested_fusion
from ferronet.screen.recommend.literature import stands_for


def _row(key, sim, lit, kind="target", effect=True, keys=None):
    return Recommendation(
        key, kind, [key], "inhibition", "GPX4", sim + lit, effect, sim, lit, lit, 0.0, sim, 0.0, 0.0, sim,
        "genetic", [], [], [], [], names=[key], keys=list(keys or [(key, False)]),
        via=["ACSL4 up"] if kind == "regulator" else [],
    )  # fmt: skip


def _order(rows, by="combined", weight=0.5):
    return [r.intervention for r in rank(rows, by, weight=weight)]


def test_fusion_weight_moves_the_order_between_the_two_rankings():
    rows = [_row("A", 0.9, 0.0), _row("B", 0.5, 0.2), _row("C", 0.1, 0.9)]
    assert _order(rows, weight=1.0) == ["A", "B", "C"] == _order(rows, "simulation")
    assert _order(rows, weight=0.0) == ["C", "B", "A"] == _order(rows, "literature")
    f = fusion(rows, 0.5, k=60)
    assert f[1] == pytest.approx(0.5 / 62 + 0.5 / 62)
    with pytest.raises(FerronetError, match="fusion weight"):
        fusion(rows, 1.5)


def test_tied_literature_credit_is_broken_by_simulation_not_by_name():
    rows = [_row("A", 0.1, 0.3), _row("Z", 0.8, 0.3), _row("M", 0.4, 0.3)]
    assert _order(rows, weight=0.0) == ["Z", "M", "A"]


def test_mechanism_first_then_model_nodes_before_assumed_regulators():
    rows = [
        _row("REG", 2.0, 0.9, kind="regulator"),
        _row("NOEFFECT", 0.0, 1.0, effect=False),
        _row("GPX4", 0.5, 0.1),
    ]
    assert _order(rows) == ["GPX4", "REG", "NOEFFECT"]
    assert _order(rows, "simulation") == ["GPX4", "NOEFFECT", "REG"]  # a regulator's fold is assumed


def _report(rows):
    return RecommendationReport("t", "t", None, [], 0.0, [], [], all=rows)


def _favouring(kb, s, weight):
    """Rows where the strategy's agent is found in the top five only at fusion ``weight`` (0 or 1)."""
    hit = (
        _row("HIT", 1.0, 0.0, keys=sorted(stands_for(kb, s)))
        if weight
        else _row("HIT", 0.0, 1.0, keys=sorted(stands_for(kb, s)))
    )
    fill = [_row(f"X{i}", 0.0 if weight else 0.5, 0.5 + i / 100 if weight else 0.0) for i in range(6)]
    return [hit, *fill]


def test_nested_choice_never_uses_the_held_out_paper(kb):
    # a and b are one paper (two seeds); c and d are other papers. a and b prefer weight 1, c prefers 0:
    # chosen on all four, weight 1 would win; a's fold sees only c and d, so a gets weight 0 and misses.
    a = next(s for s in kb.strategies if s.refs[0] == "000:135")
    b = next(s for s in kb.strategies if s.refs[0] == "004:103")
    c = next(s for s in kb.strategies if s.agent == "SLC40A1:knockdown")
    strategies = [a, b, c]
    reps = {
        a.id: _report(_favouring(kb, a, 1)),
        b.id: _report(_favouring(kb, b, 1)),
        c.id: _report(_favouring(kb, c, 0)),
    }
    for s, w in ((a, 1), (c, 0)):
        top = rank(reps[s.id].all, "combined", weight=float(w))[:5]
        assert any(agent_hit(kb, s, r) for r in top)
    outcomes, chosen = nested_fusion(kb, strategies, reps, grid=(0.0, 1.0))
    assert chosen[a.id] == 0.0 and chosen[b.id] == 0.0 and chosen[c.id] == 1.0
    by = {o.strategy: o for o in outcomes}
    assert by[a.id].agent_rank > 5 and by[c.id].agent_rank > 5


def test_a_complex_and_its_subunit_are_one_row(kb):
    from ferronet.screen.recommend.context import members

    assert {"GCLC", "GCLM"} <= members(kb, ["GCL"])  # glutamate-cysteine ligase and its subunits
    gclc = _row("GCLC inhibition", 0.7, 0.2)
    gcl = _row("GCL inhibition", 0.4, 0.1)
    gclc.target, gcl.target = ["GCLC"], ["GCL"]
    gclc.units, gcl.units = ["GCLC"], sorted(members(kb, ["GCL"]))
    other = _row("GSS inhibition", 0.3, 0.1)
    ranked = rank([gcl, other, gclc], "simulation")
    assert [r.intervention for r in ranked] == ["GCLC inhibition", "GSS inhibition"]
    assert ranked[0].alternatives == ["GCL inhibition"]
    gcl.units = []  # without the subunits the two stay apart
    assert len(rank([gcl, other, gclc], "simulation")) == 3
