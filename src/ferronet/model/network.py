"""The ferroptosis network as data: species, rules, reactions, parameters, compounds, nodes and cells.

The model is read from the YAML files in ``ferronet/data/model`` (readable, cited, with units) and compiled
into one list of assignment rules and reactions that every engine and every exporter shares. Compound and
genetic perturbations enter only through generated parameters: ``g_X`` (gene level), ``dose_<compound>``
(uM) and ``cond_<condition>`` (0/1; the dose in Gy for radiation and in ng/mL for IFNG), so a loaded model is
never changed by a simulation.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ferronet.errors import FerronetError, UnknownNameError
from ferronet.model.expressions import Expression, parse_expression
from ferronet.model.perturbation import (
    CONDITION_DOSES,
    Perturbation,
    apply_gene_action,
    condition_dose,
    split_perturbation,
)
from ferronet.names import normalize, suggest

DATA = "ferronet.data.model"
LEVEL_ACTIONS = {"degradation": -1, "repression": -1, "induction": +1}
ACTIVITY_ACTIONS = {"inhibition": -1, "activation": +1}
EFFECTS = (
    "DNA_damage",
    "ROS",
    "radical_trapping",
    "cysteine_supply",
    "GSH_conjugation",
    "ferritinophagy",
    "iron_release",
    "chelation",
    "lipid_oxidation",
)
#: Experimental conditions (cond_<name> = 1 when applied, or the dose for those in CONDITION_DOSES); each enters
#: the rules of network.yaml.
CONDITIONS: dict[str, str] = {
    "cystine_deprivation": "cystine-free medium (97 % less cystine)",
    "iron_loading": "iron-rich medium (ferric ammonium citrate / holo-transferrin)",
    "oleic_acid": "exogenous oleic acid (MUFA)",
    "arachidonic_acid": "exogenous arachidonic acid (PUFA)",
    "vitamin_K": "vitamin K supplementation (FSP1 substrate)",
    "hypoxia": "1 % oxygen (HIF-alpha stabilisation)",
    "radiation": "ionising radiation, single dose in Gy (bare: 6 Gy)",
    "IFNG": "interferon gamma (as released by CD8+ T cells), in ng/mL (bare: 10 ng/mL)",
    "glutamate": "excess extracellular glutamate (blocks system xc-)",
    "selenium": "selenium supplementation",
    "glucose_starvation": "glucose-free medium (energy stress, AMPK activation)",
}
#: the parameter holding the reference dose of each dosed condition (its default dose; the effect constants of
#: network.yaml are the effects at this dose)
REFERENCE_DOSES = {"radiation": "radiation_ref_Gy", "IFNG": "IFNG_ref_ng_per_mL"}
READOUTS = {
    "ferroptosis": "fraction of the cell population dead by ferroptosis after the exposure",
    "lipid_peroxidation": "phospholipid hydroperoxides (PLOOH), relative",
    "GSH": "reduced glutathione, relative",
    "labile_iron": "labile Fe2+ pool, relative",
}


@cache
def ident(name: str) -> str:
    """A valid SBML / Python identifier for ``name``."""
    s = re.sub(r"[^0-9a-zA-Z_]", "_", name)
    return s if re.match(r"[A-Za-z_]", s) else f"_{s}"


PARAMETER_STATUS = ("measured", "calibrated", "assumed")


@dataclass(frozen=True)
class Parameter:
    """A global parameter: value, unit, and where it comes from (``status`` in PARAMETER_STATUS + ``source``)."""

    id: str
    value: float
    unit: str
    source: str
    status: str = "assumed"


@dataclass(frozen=True)
class Species:
    id: str
    name: str
    initial: float
    refs: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    expr: Expression
    refs: tuple[str, ...] = ()
    note: str = ""
    generated: bool = False


@dataclass(frozen=True)
class Reaction:
    id: str
    reactants: dict[str, float]
    products: dict[str, float]
    rate: Expression
    refs: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Mechanism:
    """One action of a compound: target node (or ``effect:<name>``), potency and where it comes from.

    ``key`` names the potency parameters ``ic50_<key>``, ``emax_<key>`` and ``hill_<key>`` of the parameter set.
    """

    target: str  # node id, or "effect:<name>"
    action: str
    ic50: float
    emax: float
    hill: float
    ref: str
    key: str = ""
    potency_kind: str = "assumed"
    potency_ref: str = ""


@dataclass(frozen=True)
class Compound:
    id: str
    aliases: tuple[str, ...]
    default_uM: float
    mechanisms: tuple[Mechanism, ...]
    dose_range_uM: tuple[float, float] | None = None

    def standard_doses(self, n: int = 8) -> list[float]:
        """Log-spaced doses over the compound's standard range (its assay range, or 1/300 to 10x reference)."""
        lo, hi = self.dose_range_uM or (self.default_uM / 300.0, self.default_uM * 10.0)
        return [lo * (hi / lo) ** (i / (n - 1)) for i in range(n)]

    @property
    def param(self) -> str:
        return f"dose_{ident(self.id)}"


@dataclass(frozen=True)
class CellProfile:
    id: str
    description: str
    genes: dict[str, float]
    source: str


@dataclass(frozen=True)
class Node:
    id: str
    aliases: tuple[str, ...]
    readout: str


@dataclass
class Model:
    """The compiled model. Look things up by id; resolve user names with :meth:`resolve`."""

    species: list[Species]
    rules: list[Rule]
    reactions: list[Reaction]
    parameters: dict[str, Parameter]
    compounds: dict[str, Compound]
    nodes: dict[str, Node]
    cells: dict[str, CellProfile]
    version: str
    _aliases: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    _stack: list[list[Perturbation]] = field(default_factory=list, repr=False)
    perturbations: list[Perturbation] = field(default_factory=list)

    def copy(self) -> Model:
        """An independent copy: its own perturbation stack, parameter, compound, node and cell tables."""
        return Model(
            list(self.species),
            list(self.rules),
            list(self.reactions),
            dict(self.parameters),
            dict(self.compounds),
            dict(self.nodes),
            dict(self.cells),
            self.version,
            dict(self._aliases),
            [],
            list(self.perturbations),
        )

    def with_parameters(self, values: dict[str, float], source: str) -> Model:
        """A copy with some parameter values replaced (e.g. a calibrated set); ``source`` says where they come from."""
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            raise UnknownNameError("parameter", unknown[0], suggest(unknown[0], list(self.parameters)))
        m = self.copy()
        for k, v in values.items():
            old = m.parameters[k]
            m.parameters[k] = Parameter(k, float(v), old.unit, source, "calibrated")
        return m

    @property
    def fingerprint(self) -> str:
        """Model version plus a digest of the parameter values (what a cached engine depends on)."""
        digest = hashlib.sha256(repr(sorted((k, p.value) for k, p in self.parameters.items())).encode())
        return f"{self.version}-{digest.hexdigest()[:8]}"

    # ---- reversible perturbations (cobrapy's ``with model:``) --------------------------------------
    def __enter__(self) -> Model:
        self._stack.append(list(self.perturbations))
        return self

    def __exit__(self, *exc: object) -> None:
        self.perturbations = self._stack.pop()

    def perturb(self, *items: str | Perturbation) -> None:
        """Add perturbations applied to every simulation of this model (undone on leaving ``with``)."""
        self.perturbations += [p if isinstance(p, Perturbation) else self.resolve(p) for p in items]

    @contextmanager
    def perturbed(self, *items: str | Perturbation) -> Iterator[Model]:
        with self:
            self.perturb(*items)
            yield self

    # ---- names ------------------------------------------------------------------------------------
    @property
    def species_ids(self) -> list[str]:
        return [s.id for s in self.species]

    def known_names(self, kind: str | None = None) -> list[str]:
        names = {"gene": list(self.nodes), "compound": list(self.compounds), "condition": list(CONDITIONS)}
        if kind:
            return names[kind]
        return [n for v in names.values() for n in v]

    def lookup(self, name: str) -> tuple[str, str]:
        """(kind, canonical id) for a node, compound or condition name or alias."""
        hit = self._aliases.get(normalize(name))
        if hit is None:
            raise UnknownNameError("name", name, suggest(name, self.known_names() + self._alias_names()))
        return hit

    def _alias_names(self) -> list[str]:
        out = [a for n in self.nodes.values() for a in n.aliases]
        return out + [a for c in self.compounds.values() for a in c.aliases]

    def resolve(self, text: str) -> Perturbation:
        """Parse a perturbation string into a :class:`Perturbation` with canonical names."""
        raw = split_perturbation(text)
        if raw.action:
            kind, target = self._aliases.get(normalize(raw.name), ("", ""))
            if kind != "gene":
                known = self.known_names("gene") + [a for n in self.nodes.values() for a in n.aliases]
                raise UnknownNameError("gene", raw.name, suggest(raw.name, known))
            return Perturbation("gene", target, raw.action)
        kind, target = self._aliases.get(normalize(raw.name), ("", ""))
        if kind == "gene":
            raise FerronetError(f"'{text}': a gene needs an action, e.g. {target}:knockdown")
        if kind == "compound":
            if raw.value is not None and raw.dose_uM is None:
                raise FerronetError(f"'{text}': {target} takes a molar dose (nM, uM or mM), not '{raw.unit}'")
            dose = raw.dose_uM if raw.dose_uM is not None else self.compounds[target].default_uM
            return Perturbation("compound", target, "", dose)
        if kind == "condition":
            if target in CONDITION_DOSES:
                return Perturbation("condition", target, dose=condition_dose(text, target, raw))
            if raw.value is not None:
                dosed = ", ".join(f"{c} ({d.unit})" for c, d in CONDITION_DOSES.items())
                raise FerronetError(f"'{text}': {target} takes no dose (only {dosed} do)")
            return Perturbation("condition", target)
        known = self.known_names("compound") + self.known_names("condition")
        known += [a for c in self.compounds.values() for a in c.aliases]
        raise UnknownNameError("compound or condition", raw.name, suggest(raw.name, known))

    def resolve_cell(self, name: str | None) -> CellProfile:
        if not name:
            return self.cells["default"]
        for cid, cell in self.cells.items():
            if normalize(cid) == normalize(name):
                return cell
        raise UnknownNameError("cell profile", name, suggest(name, list(self.cells)))

    def resolve_readout(self, name: str) -> str:
        """Canonical readout id: one of READOUTS or a node id."""
        if name in READOUTS:
            return name
        for r in READOUTS:
            if normalize(r) == normalize(name):
                return r
        kind, target = self._aliases.get(normalize(name), ("", ""))
        if kind == "gene":
            return target
        raise UnknownNameError("readout", name, suggest(name, list(READOUTS) + list(self.nodes)))

    # ---- parameters of a condition ----------------------------------------------------------------
    def default_values(self) -> dict[str, float]:
        """Every parameter of the compiled model at its default (no perturbation)."""
        values = {p.id: p.value for p in self.parameters.values()}
        values.update({f"g_{ident(n)}": 1.0 for n in self.nodes})
        values.update({c.param: 0.0 for c in self.compounds.values()})
        values.update({f"cond_{c}": 0.0 for c in CONDITIONS})
        return values

    def genotype_values(self, cell: CellProfile, perturbations: list[Perturbation]) -> dict[str, float]:
        """Gene-level parameters of a cell with its genetic perturbations (applied before exposure)."""
        out = {f"g_{ident(g)}": v for g, v in cell.genes.items()}
        for p in perturbations:
            if p.kind == "gene":
                key = f"g_{ident(p.target)}"
                out[key] = apply_gene_action(out.get(key, 1.0), p.action)
        return out

    def exposure_values(self, perturbations: list[Perturbation]) -> dict[str, float]:
        """Dose and condition parameters applied at t = 0 of the exposure."""
        out: dict[str, float] = {}
        for p in perturbations:
            if p.kind == "compound":
                key = self.compounds[p.target].param
                out[key] = out.get(key, 0.0) + float(p.dose_uM or 0.0)
            elif p.kind == "condition" and p.dose is not None:  # doses of one condition add up
                key = f"cond_{p.target}"
                out[key] = out.get(key, 0.0) + p.dose
            elif p.kind == "condition":
                out[f"cond_{p.target}"] = 1.0
        return out


# ---- loading --------------------------------------------------------------------------------------
def _read_yaml(name: str) -> Any:
    return yaml.safe_load(resources.files(DATA).joinpath(name).read_text(encoding="utf-8"))


def _factor(dose: str, m: Mechanism, sign: int) -> str:
    op = "-" if sign < 0 else "+"
    return f"(1 {op} emax_{m.key} * hill({dose}, ic50_{m.key}, hill_{m.key}))"


#: how a mechanism's potency_kind maps to a parameter status
_POTENCY_STATUS = {"target": "measured"}


def _potency_parameters(compounds: dict[str, Compound]) -> dict[str, Parameter]:
    """ic50 / emax / hill of every compound mechanism as named parameters (so they can be calibrated)."""
    out: dict[str, Parameter] = {}
    for c in compounds.values():
        for m in c.mechanisms:
            calibrated = m.potency_kind.startswith("calibrated")
            status = "calibrated" if calibrated else _POTENCY_STATUS.get(m.potency_kind, "assumed")
            kind = f" ({m.potency_kind})" if m.potency_kind else ""
            src = f"{m.potency_ref or m.ref}{kind}"
            out[f"ic50_{m.key}"] = Parameter(f"ic50_{m.key}", m.ic50, "uM", src, status)
            out[f"emax_{m.key}"] = Parameter(
                f"emax_{m.key}", m.emax, "dimensionless", src, status if calibrated else "assumed"
            )
            out[f"hill_{m.key}"] = Parameter(f"hill_{m.key}", m.hill, "dimensionless", src, "assumed")
    return out


def _nrf2_target_rules(table: list[dict[str, Any]]) -> list[Rule]:
    """x_<gene> = 1 - w + w * nresp: the ARE-driven share w of each NRF2 target (000 Table 1)."""
    return [
        Rule(
            f"x_{t['gene']}",
            parse_expression(f"1 - {t['weight']} + {t['weight']} * nresp"),
            tuple(t["refs"]),
            t.get("note", f"NRF2 target {t['gene']} (000 Table 1)"),
            generated=True,
        )
        for t in table
    ]


def _generated_rules(nodes: dict[str, Node], compounds: dict[str, Compound]) -> list[Rule]:
    level: dict[str, list[str]] = {n: [] for n in nodes}
    activity: dict[str, list[str]] = {n: [] for n in nodes}
    effects: dict[str, list[str]] = {e: [] for e in EFFECTS}
    for c in compounds.values():
        for m in c.mechanisms:
            if m.target.startswith("effect:"):
                effects[m.target[7:]].append(f"{m.emax!r} * hill({c.param}, {m.ic50!r}, {m.hill!r})")
            elif m.action in LEVEL_ACTIONS:
                level[m.target].append(_factor(c.param, m, LEVEL_ACTIONS[m.action]))
            else:
                activity[m.target].append(_factor(c.param, m, ACTIVITY_ACTIONS[m.action]))
    rules: list[Rule] = []
    for n in nodes:
        x = ident(n)
        fl = " * ".join(level[n]) or "1"
        fa = " * ".join(activity[n]) or "1"
        rules.append(Rule(f"fl_{x}", parse_expression(fl), generated=True, note=f"compound effects on {n} level"))
        rules.append(Rule(f"fa_{x}", parse_expression(fa), generated=True, note=f"compound effects on {n} activity"))
        rules.append(Rule(f"e_{x}", parse_expression(f"g_{x} * fl_{x} * fa_{x}"), generated=True))
    for e, terms in effects.items():
        rules.append(Rule(f"eff_{e}", parse_expression(" + ".join(terms) or "0"), generated=True))
    return rules


def _topological(rules: list[Rule]) -> list[Rule]:
    by_id = {r.id: r for r in rules}
    done: dict[str, Rule] = {}
    visiting: set[str] = set()

    def visit(r: Rule) -> None:
        if r.id in done:
            return
        if r.id in visiting:
            raise FerronetError(f"model error: rule {r.id} depends on itself")
        visiting.add(r.id)
        for name in sorted(r.expr.names):
            if name in by_id:
                visit(by_id[name])
        visiting.discard(r.id)
        done[r.id] = r

    for r in rules:
        visit(r)
    return list(done.values())


def _stoich(spec: dict[str, Any], key: str, params: dict[str, Parameter]) -> dict[str, float]:
    ids = spec.get(key, []) or []
    factors = spec.get(f"stoich_{key}", [1.0] * len(ids))
    return {s: float(params[f].value) if isinstance(f, str) else float(f) for s, f in zip(ids, factors, strict=True)}


@cache
def _load_cached() -> Model:
    net = _read_yaml("network.yaml")
    params = {
        k: Parameter(k, float(v["value"]), str(v["unit"]), str(v["source"]), str(v.get("status", "")))
        for k, v in _read_yaml("parameters.yaml").items()
    }
    nodes = {
        k: Node(k, tuple((v or {}).get("aliases", [])), (v or {}).get("readout", f"e_{ident(k)}"))
        for k, v in _read_yaml("nodes.yaml").items()
    }
    compounds: dict[str, Compound] = {}
    for cid, spec in _read_yaml("compounds.yaml").items():
        mechs: list[Mechanism] = []
        for m in spec["mechanisms"]:
            target = f"effect:{m['effect']}" if "effect" in m else m["target"]
            action = m.get("action", "effect")
            key = f"{ident(cid)}_{ident(target.removeprefix('effect:'))}"
            while any(x.key == key for x in mechs):
                key += "_2"
            mechs.append(
                Mechanism(
                    target,
                    action,
                    float(m["ic50"]),
                    float(m["emax"]),
                    float(m["hill"]),
                    m["ref"],
                    key,
                    str(m.get("potency_kind", "assumed")),
                    str(m.get("potency_ref", "")),
                )
            )
        rng = spec.get("dose_range_uM")
        compounds[cid] = Compound(
            cid,
            tuple(spec.get("aliases", [])),
            float(spec["default_uM"]),
            tuple(mechs),
            (float(rng[0]), float(rng[1])) if rng else None,
        )
    cells = {
        k: CellProfile(k, v["description"], {g: float(x) for g, x in (v.get("genes") or {}).items()}, v["source"])
        for k, v in _read_yaml("cells.yaml").items()
    }
    species = [Species(s["id"], s["name"], float(s["initial"]), tuple(s.get("refs", []))) for s in net["species"]]
    declared = [
        Rule(r["id"], parse_expression(r["expr"]), tuple(r.get("refs", [])), r.get("note", "")) for r in net["rules"]
    ]
    reactions = [
        Reaction(
            r["id"],
            _stoich(r, "reactants", params),
            _stoich(r, "products", params),
            parse_expression(r["rate"]),
            tuple(r.get("refs", [])),
            r.get("note", ""),
        )
        for r in net["reactions"]
    ]
    params.update(_potency_parameters(compounds))
    generated = _generated_rules(nodes, compounds) + _nrf2_target_rules(net.get("nrf2_targets", []))
    rules = _topological(generated + declared)
    digest = hashlib.sha256()
    for name in ("network.yaml", "parameters.yaml", "nodes.yaml", "compounds.yaml", "cells.yaml"):
        digest.update(resources.files(DATA).joinpath(name).read_bytes())
    model = Model(species, rules, reactions, params, compounds, nodes, cells, digest.hexdigest()[:12])
    aliases: dict[str, tuple[str, str]] = {}
    for n in nodes.values():
        for a in (n.id, *n.aliases):
            aliases.setdefault(normalize(a), ("gene", n.id))
    for c in compounds.values():
        for a in (c.id, *c.aliases):
            aliases.setdefault(normalize(a), ("compound", c.id))
    for cond in CONDITIONS:
        aliases.setdefault(normalize(cond), ("condition", cond))
    model._aliases = aliases
    _check_model(model)
    return model


def _check_model(model: Model) -> None:
    known = set(model.default_values()) | {r.id for r in model.rules} | set(model.species_ids)
    problems = []
    for r in model.rules:
        problems += [f"rule {r.id}: unknown name {n}" for n in r.expr.names - known]
    for rx in model.reactions:
        problems += [f"reaction {rx.id}: unknown name {n}" for n in rx.rate.names - known]
    for c in model.compounds.values():
        for m in c.mechanisms:
            if not m.target.startswith("effect:") and m.target not in model.nodes:
                problems.append(f"compound {c.id}: unknown target {m.target}")
    for cell in model.cells.values():
        problems += [f"cell {cell.id}: unknown gene {g}" for g in cell.genes if g not in model.nodes]
    for n in model.nodes.values():
        problems += [f"node {n.id}: readout uses unknown {x}" for x in parse_expression(n.readout).names - known]
    for cond, ref in REFERENCE_DOSES.items():
        p = model.parameters.get(ref)
        if p is None or p.value != CONDITION_DOSES[cond].default or p.unit != CONDITION_DOSES[cond].unit:
            problems.append(
                f"parameter {ref}: must be {CONDITION_DOSES[cond].default:g} {CONDITION_DOSES[cond].unit}, the dose a "
                f"bare '{cond}' means (model/perturbation.py CONDITION_DOSES)"
            )
    for prm in model.parameters.values():
        if prm.status not in PARAMETER_STATUS:
            problems.append(f"parameter {prm.id}: status must be one of {', '.join(PARAMETER_STATUS)}")
        if not math.isfinite(prm.value):
            problems.append(f"parameter {prm.id}: value is not a finite number")
    if problems:
        raise FerronetError("model definition errors:\n  " + "\n  ".join(problems))


def load_model() -> Model:
    """The packaged model: an independent copy each call (perturbations and parameter changes never leak)."""
    return _load_cached().copy()
