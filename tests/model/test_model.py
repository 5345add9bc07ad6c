"""Model quality checks (memote-style small checks): units, sources, citations, reversibility."""

from __future__ import annotations

from ferronet.kb.loader import REF_ID
from ferronet.sim import Condition


def test_every_parameter_has_value_unit_and_source(model):
    for p in model.parameters.values():
        assert p.unit, f"{p.id} has no unit"
        assert len(p.source) > 5, f"{p.id} has no source or reason"


def test_every_reaction_and_declared_rule_is_cited(model, kb):
    for rx in model.reactions:
        assert rx.refs, f"reaction {rx.id} is uncited"
        assert all(r in kb.references for r in rx.refs), rx.id
    for r in model.rules:
        if not r.generated:
            assert r.refs, f"rule {r.id} is uncited"
            assert all(REF_ID.match(x) and (x in kb.references) for x in r.refs), r.id


def test_model_genes_are_in_the_knowledge_base(model, kb):
    for node in model.nodes:
        assert kb.resolve(node), node


def test_compound_mechanisms_have_potency_and_source(model):
    for c in model.compounds.values():
        assert c.default_uM > 0
        for m in c.mechanisms:
            assert m.ic50 > 0 and m.emax > 0 and m.hill > 0 and m.ref, c.id


def test_perturbations_are_reversible(model):
    base = Condition.parse(model, ["erastin"])
    with model:
        model.perturb("NRF2:knockdown")
        assert Condition.parse(model, []).genotype(model) == {"g_NFE2L2": 0.3}
        with model.perturbed("ferrostatin-1"):
            assert "dose_ferrostatin_1" in Condition.parse(model, []).exposure(model)
        assert "dose_ferrostatin_1" not in Condition.parse(model, []).exposure(model)
    assert model.perturbations == []
    assert base.genotype(model) == {}
    assert Condition.parse(model, []).genotype(model) == {}
