"""Export the kinetic model as SBML Level 3 Version 2 (python-libsbml), with units, identifiers and the protocol.

Every rule becomes an assignment rule, every reaction a reaction with its kinetic law; ``hill`` and ``mm`` are
SBML function definitions. Species start at the untreated default steady state (``initial``). Compound doses
(``dose_<compound>``, uM), their potencies (``ic50_/emax_/hill_<compound>_<target>``), conditions
(``cond_<name>``, 0/1; radiation in Gy, IFN-gamma in ng/mL) and gene levels (``g_<GENE>``) are named parameters,
so any SBML tool can replay a ferronet experiment.

Units: time in hours (``hour``), amounts relative to the untreated default cell (``relative_amount``,
dimensionless), doses in ``micromolar``, rate constants ``per_hour`` (see :mod:`ferronet.io.units`); libSBML's
consistency check reports no error and no unit warning. MIRIAM annotations (identifiers.org, ``bqbiol:is`` on
species, ``bqbiol:isPropertyOf`` / ``hasPart`` on gene-level and dose parameters) and SBO terms come from
:mod:`ferronet.io.annotations`.

With an :class:`Experiment` the file also carries the protocol (docs/sbml.md): the genotype is set from t = 0,
the cells are cultured for ``t_preculture`` (96 h) and an event at ``time >= t_preculture`` resets the membrane
damage ``D`` to 0 and applies the exposure's doses and conditions (``exposure_dose_<c>``, ``exposure_cond_<x>``);
the readout is taken ``t_exposure`` (24 h) later. The ``steady-state`` variant leaves out the only accumulating
process (membrane damage), so steady-state tasks (COPASI, roadrunner ``steadyState``) work on the pre-culture.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import libsbml

from ferronet.errors import FerronetError
from ferronet.io import annotations as ann
from ferronet.io.units import EFFECT_UNITS, UNITS, Dim, dim_of, infer, sbml_unit, unit_for
from ferronet.model.expressions import Expression, parse_expression
from ferronet.model.network import CONDITIONS, Model, Rule, ident
from ferronet.model.perturbation import CONDITION_DOSES

FUNCTIONS = {
    # x / K first: the same function as x^n / (K^n + x^n) for K > 0, and dimensionless whatever the units of x
    "hill": "lambda(x, K, n, (x / K)^n / (1 + (x / K)^n))",
    "mm": "lambda(x, K, x / (K + x))",
}
#: the species of the process the ``steady-state`` variant leaves out (the only one that accumulates)
DAMAGE_SPECIES = "D"


@dataclass(frozen=True)
class Experiment:
    """One ferronet condition as an SBML protocol: gene levels, pre-culture and exposure values, phase lengths."""

    genotype: dict[str, float] = field(default_factory=dict)
    pre_culture: dict[str, float] = field(default_factory=dict)
    exposure: dict[str, float] = field(default_factory=dict)
    pre_hours: float = 96.0
    hours: float = 24.0
    label: str = "untreated"

    @classmethod
    def from_perturbations(
        cls,
        model: Model,
        perturbations: Sequence[str] = (),
        cell: str | None = None,
        pre: Sequence[str] = (),
        pre_hours: float = 96.0,
        hours: float = 24.0,
    ) -> Experiment:
        """The protocol of ``ferronet simulate`` for these perturbations (names resolved, clear errors)."""
        from ferronet.sim.conditions import Condition
        from ferronet.sim.protocol import Protocol

        Protocol(pre_hours=pre_hours, hours=hours)  # the same checks as a simulation
        c = Condition.parse(model, list(perturbations), cell, list(pre))
        return cls(c.genotype(model), c.pre_culture(model), c.exposure(model), pre_hours, hours, str(c))


def _check(code: int, what: str) -> None:
    if code != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise FerronetError(f"SBML export failed at {what}: {libsbml.OperationReturnValue_toString(code)}")


def _notes(el: libsbml.SBase, text: str) -> None:
    if text:
        _check(el.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{html.escape(text)}</p></body>'), "notes")


def _dimensionless_numbers(ast: libsbml.ASTNode) -> None:
    """Numbers in rules are pure numbers: say so, so that unit checks are complete."""
    if ast.isNumber():
        ast.setUnits("dimensionless")
    for i in range(ast.getNumChildren()):
        _dimensionless_numbers(ast.getChild(i))


def _math(formula: str, where: str) -> libsbml.ASTNode:
    ast = libsbml.parseL3Formula(formula)
    if ast is None:
        raise FerronetError(f"SBML export: cannot parse {where}: {libsbml.getLastParseL3Error()}")
    _dimensionless_numbers(ast)
    return ast


class _Builder:
    """One SBML document under construction (ids are unique; metaids follow the ids)."""

    def __init__(self, model: Model, annotate: bool) -> None:
        self.model = model
        self.annotate = annotate
        self.doc = libsbml.SBMLDocument(3, 2)
        self.m = self.doc.createModel()
        self.dims: dict[str, Dim] = {}
        self.genes = ann.gene_ids(list(model.nodes)) if annotate else {}
        self.cids = ann.compound_cids(list(model.compounds)) if annotate else {}

    # ---- annotations ------------------------------------------------------------------------------------
    def _cv(self, el: libsbml.SBase, uris: list[str], qualifier: int) -> None:
        if not (self.annotate and uris):
            return
        if not el.isSetMetaId():
            _check(el.setMetaId(f"meta_{el.getId()}"), f"metaid of {el.getId()}")
        cv = libsbml.CVTerm(libsbml.BIOLOGICAL_QUALIFIER)
        cv.setBiologicalQualifierType(qualifier)
        for u in uris:
            _check(cv.addResource(u), f"annotation {u}")
        _check(el.addCVTerm(cv), f"annotation of {el.getId()}")

    def _sbo(self, el: libsbml.SBase, term: int) -> None:
        if self.annotate:
            _check(el.setSBOTerm(term), f"SBO term of {el.getId()}")

    # ---- parts ------------------------------------------------------------------------------------------
    def units(self) -> None:
        for u in UNITS.values():
            ud = self.m.createUnitDefinition()
            _check(ud.setId(u.id), f"unit {u.id}")
            ud.setName(u.name)
            for kind, exponent, scale, multiplier in u.parts:
                unit = ud.createUnit()
                unit.setKind(libsbml.UnitKind_forName(kind))
                unit.setExponent(exponent)
                unit.setScale(scale)
                unit.setMultiplier(multiplier)
            _notes(ud, u.note)
        self.m.setTimeUnits("hour")
        self.m.setSubstanceUnits("relative_amount")
        self.m.setExtentUnits("relative_amount")
        self.m.setVolumeUnits("dimensionless")

    def parameter(self, pid: str, value: float, unit: str, constant: bool = True, note: str = "") -> libsbml.Parameter:
        p = self.m.createParameter()
        _check(p.setId(pid), f"parameter {pid}")
        _check(p.setValue(float(value)), f"value of {pid}")
        p.setConstant(constant)
        _check(p.setUnits(unit), f"units of {pid}")
        self.dims[pid] = dim_of(unit)
        self._sbo(p, ann.parameter_sbo(pid, unit))
        _notes(p, note)
        return p

    def gene_annotation(self, p: libsbml.Parameter, node: str) -> None:
        ids = self.genes.get(node)
        if ids is None:
            return
        qualifier = libsbml.BQB_HAS_PART if ids.members else libsbml.BQB_IS_PROPERTY_OF
        self._cv(p, ids.uris(), qualifier)

    def rule(self, rule: Rule, expr: Expression) -> None:
        dim = infer(expr, self.dims, f"rule {rule.id}")
        unit = unit_for(dim)
        self.dims[rule.id] = dim
        p = self.parameter(rule.id, 0.0, unit, constant=False)
        p.unsetSBOTerm()
        node = rule.id[2:] if rule.id.startswith("e_") else ""
        if node and node in {ident(n) for n in self.model.nodes}:
            self.gene_annotation(p, next(n for n in self.model.nodes if ident(n) == node))
        r = self.m.createAssignmentRule()
        _check(r.setVariable(rule.id), f"rule {rule.id}")
        _check(r.setMath(_math(expr.to_sbml(), f"rule {rule.id}")), f"rule {rule.id}")
        self._sbo(r, ann.SBO_EXPRESSION)
        _notes(r, "; ".join(x for x in (rule.note, "refs: " + ", ".join(rule.refs) if rule.refs else "") if x))


def _effect_rules(model: Model) -> dict[str, Expression]:
    """eff_<effect> with named potencies (the engine inlines their default values)."""
    terms: dict[str, list[str]] = {}
    for c in model.compounds.values():
        for m in c.mechanisms:
            if m.target.startswith("effect:"):
                r = f"({c.param} / ic50_{m.key}) ** hill_{m.key}"  # hill() written out: libSBML 5.21 cannot
                terms.setdefault(m.target[7:], []).append(f"emax_{m.key} * {r} / (1 + {r})")  # type sums of calls
    return {f"eff_{e}": parse_expression(" + ".join(t)) for e, t in terms.items()}


def _effect_potency_units(model: Model) -> dict[str, str]:
    """Units of the ``emax_`` of non-target effects: those of the effect they add to (io.units.EFFECT_UNITS)."""
    out: dict[str, str] = {}
    for c in model.compounds.values():
        for m in c.mechanisms:
            if m.target.startswith("effect:"):
                effect = m.target[7:]
                if effect not in EFFECT_UNITS:
                    raise FerronetError(f"SBML export: no unit known for the effect '{effect}' ({c.id})")
                out[f"emax_{m.key}"] = EFFECT_UNITS[effect]
    return out


VARIANTS = {
    "protocol": "the model with the experiment's protocol: pre-culture, then an event starts the exposure",
    "model": "the model alone, the experiment's gene levels, doses and conditions as parameter values",
    "steady-state": "the pre-culture without membrane damage (the only accumulating process): steady states exist",
}


def _build(
    model: Model, initial: dict[str, float] | None, experiment: Experiment | None, variant: str, annotate: bool
) -> libsbml.SBMLDocument:
    if variant not in VARIANTS:
        raise FerronetError(f"unknown SBML variant '{variant}' (valid: {', '.join(VARIANTS)})")
    damage = variant != "steady-state"
    if variant == "protocol" and experiment is None:
        experiment = Experiment()
    b = _Builder(model, annotate)
    m = b.m
    m.setId("ferronet_ferroptosis")
    name = f"ferronet ferroptosis network (model version {model.version})"
    m.setName(name + (f"; experiment: {experiment.label}" if experiment else "") + f"; variant: {variant}")
    _notes(
        m,
        "Time in hours; amounts relative to the untreated default cancer cell; doses in uM. Generated by ferronet"
        + ("" if damage else "; membrane damage (D) left out so that steady states exist (pre-culture variant)")
        + ".",
    )
    b.units()
    comp = m.createCompartment()
    _check(comp.setId("cell"), "compartment")
    comp.setConstant(True)
    comp.setSize(1.0)
    comp.setSpatialDimensions(3)
    comp.setUnits("dimensionless")
    b._sbo(comp, ann.SBO_COMPARTMENT)
    for fid, body in FUNCTIONS.items():
        fd = m.createFunctionDefinition()
        fd.setId(fid)
        _check(fd.setMath(_math(body, fid)), f"function {fid}")
    for s in model.species:
        sp = m.createSpecies()
        _check(sp.setId(s.id), f"species {s.id}")
        sp.setName(s.name)
        sp.setCompartment("cell")
        start_value = (initial or {}).get(s.id, s.initial)
        sp.setInitialConcentration(0.0 if s.id == DAMAGE_SPECIES and not damage else float(start_value))
        sp.setSubstanceUnits("relative_amount")
        sp.setHasOnlySubstanceUnits(False)
        sp.setBoundaryCondition(False)
        sp.setConstant(s.id == DAMAGE_SPECIES and not damage)
        b.dims[s.id] = (0, 0)
        b._sbo(sp, ann.species_sbo(s.id))
        gene = ann.PROTEIN_SPECIES.get(s.id)
        if gene and gene in b.genes:
            b._cv(sp, b.genes[gene].uris(), libsbml.BQB_IS)
        _notes(sp, "refs: " + ", ".join(s.refs))
    emax_units = _effect_potency_units(model)
    genotype = experiment.genotype if experiment else {}
    start = {}
    if experiment is not None:
        start = experiment.exposure if variant == "model" else experiment.pre_culture
    events = variant == "protocol"
    compound_of = {c.param: c.id for c in model.compounds.values()}
    node_of = {f"g_{ident(n)}": n for n in model.nodes}
    for pid, value in model.default_values().items():
        meta = model.parameters.get(pid)
        unit = sbml_unit(meta.unit, f"parameter {pid}") if meta else "dimensionless"
        note = f"unit: {meta.unit}; source: {meta.source}" if meta else ""
        if pid in emax_units:
            unit = emax_units[pid]
            note += f"; SBML unit {unit}: the unit of the effect it adds to"
        if pid in compound_of:
            unit, note = "micromolar", f"dose of {compound_of[pid]} in the medium (uM)"
        elif pid in node_of:
            note = f"level of {node_of[pid]} relative to the default cell (1 = unchanged; 0 = knockout)"
        elif pid.startswith("cond_") and pid[5:] in CONDITION_DOSES:
            dosed = CONDITION_DOSES[pid[5:]]
            unit = sbml_unit(dosed.unit, f"parameter {pid}")
            note = f"dose of the condition ({dosed.unit}; 0 = absent): {CONDITIONS[pid[5:]]}"
        elif pid.startswith("cond_"):
            note = f"1 when the condition applies: {CONDITIONS[pid[5:]]}"
        value = genotype.get(pid, start.get(pid, value))
        switched = events and (pid in compound_of or pid.startswith("cond_"))
        p = b.parameter(pid, value, unit, constant=not switched, note=note)
        if pid in compound_of and compound_of[pid] in b.cids:
            b._cv(p, [f"{ann.IDENTIFIERS}pubchem.compound:{b.cids[compound_of[pid]]}"], libsbml.BQB_IS_PROPERTY_OF)
        elif pid in node_of:
            b.gene_annotation(p, node_of[pid])
    effects = _effect_rules(model)
    for r in model.rules:
        b.rule(r, effects.get(r.id, r.expr))
    for rx in model.reactions:
        if not damage and DAMAGE_SPECIES in rx.products:
            continue
        reaction = m.createReaction()
        _check(reaction.setId(rx.id), f"reaction {rx.id}")
        reaction.setReversible(False)
        for sid, st in rx.reactants.items():
            ref = reaction.createReactant()
            ref.setSpecies(sid)
            ref.setStoichiometry(st)
            ref.setConstant(True)
        for sid, st in rx.products.items():
            ref = reaction.createProduct()
            ref.setSpecies(sid)
            ref.setStoichiometry(st)
            ref.setConstant(True)
        for sid in sorted(rx.rate.names & set(model.species_ids) - set(rx.reactants) - set(rx.products)):
            mod = reaction.createModifier()
            mod.setSpecies(sid)
        law = reaction.createKineticLaw()
        _check(law.setMath(_math(rx.rate.to_sbml(), f"reaction {rx.id}")), f"kinetic law {rx.id}")
        b._sbo(reaction, ann.reaction_sbo(rx.id, rx.reactants, rx.products))
        _notes(reaction, "; ".join(x for x in (rx.note, "refs: " + ", ".join(rx.refs)) if x))
    if events and experiment is not None:
        _protocol(b, experiment, compound_of, damage)
    return b.doc


def _protocol(b: _Builder, ex: Experiment, compound_of: dict[str, str], damage: bool) -> None:
    """Phase lengths as parameters and the exposure-start event (docs/sbml.md)."""
    b.parameter("t_preculture", ex.pre_hours, "hour", note="pre-culture: the genotype grows to equilibrium")
    b.parameter("t_exposure", ex.hours, "hour", note="exposure: read out at t_preculture + t_exposure")
    ev = b.m.createEvent()
    _check(ev.setId("exposure_start"), "event")
    ev.setName("start of the exposure: compounds and conditions applied, membrane damage counted from 0")
    ev.setUseValuesFromTriggerTime(True)
    trig = ev.createTrigger()
    trig.setInitialValue(False)
    trig.setPersistent(True)
    _check(trig.setMath(_math("time >= t_preculture", "event trigger")), "event trigger")
    if damage:
        ea = ev.createEventAssignment()
        ea.setVariable(DAMAGE_SPECIES)
        _check(ea.setMath(_math("0", "event")), "event assignment D")
    switched = [*compound_of, *(f"cond_{c}" for c in CONDITIONS)]
    for pid in switched:
        unit = "micromolar" if pid in compound_of else "dimensionless"
        if pid.startswith("cond_") and pid[5:] in CONDITION_DOSES:
            unit = sbml_unit(CONDITION_DOSES[pid[5:]].unit, f"parameter {pid}")
        what = f"dose of {compound_of[pid]} during the exposure (uM)" if pid in compound_of else "during the exposure"
        b.parameter(f"exposure_{pid}", ex.exposure.get(pid, 0.0), unit, note=what)
        ea = ev.createEventAssignment()
        _check(ea.setVariable(pid), f"event assignment {pid}")
        _check(ea.setMath(_math(f"exposure_{pid}", "event")), f"event assignment {pid}")


def to_sbml(
    model: Model,
    initial: dict[str, float] | None = None,
    *,
    experiment: Experiment | None = None,
    variant: str = "model",
    annotate: bool = True,
) -> str:
    """The model as an SBML L3V2 string.

    ``initial`` overrides species initial concentrations; ``experiment`` sets gene levels, doses and conditions
    as ``variant`` says (:data:`VARIANTS`: ``protocol`` adds the pre-culture and the exposure event,
    ``steady-state`` leaves out membrane damage); ``annotate=False`` leaves out identifiers and SBO terms.
    """
    return str(libsbml.writeSBMLToString(_build(model, initial, experiment, variant, annotate)))


def consistency(text: str) -> dict[str, int]:
    """libSBML ``checkConsistency()`` of an SBML string (units included): counts of errors and warnings by kind."""
    doc = libsbml.readSBMLFromString(text)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)
    doc.checkConsistency()
    counts = {"errors": 0, "warnings": 0, "unit_warnings": 0}
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            counts["errors"] += 1
        else:
            counts["warnings"] += 1
            if e.getCategory() == libsbml.LIBSBML_CAT_UNITS_CONSISTENCY:
                counts["unit_warnings"] += 1
    return counts
