"""The measured data as a PEtab v1 problem (SBML model + condition, measurement, observable, parameter tables).

Layout (built from ``../shared`` at run time, never committed):

- **Model**: ``ferronet.io.sbml.to_sbml(model)`` plus the personalisation mapping written as SBML assignment
  rules, so that its global gains are estimable: for each personalised gene ``G``,
  ``g_G = mutf_G * clip(exp(beta_expr * gain_G * mrna_z_G) * (1 - prot_on_G) + 2 ** (beta_prot * prot_G) * prot_on_G,
  level_floor, level_cap)`` (for the footprint nodes, NFE2L2 and ZEB1: their ``beta`` and footprint score), the map of
  :mod:`ferronet.profile.personalise`. ``mrna_z_G`` (cohort z-score of mRNA), ``prot_G`` (log2 protein),
  ``prot_on_G`` (1 where the protein was measured) and ``mutf_G`` (mutation or cell-profile factor) are *fixed condition
  parameters*: numbers per line in the condition table. Membrane damage is gated by ``damage_on``.
- **Conditions**: per line a preequilibration condition ``pre_<line>`` (its gene levels, no drug, damage off:
  the engine's pre-culture, taken to steady state) and per (line, drug, dose) a simulation condition that only
  adds the dose, switches damage on and resets ``D`` to 0. Doses are the only condition-specific inputs beyond
  the fixed gene levels; no parameter is estimated per line.
- **Measurements**: CTRPv2 fitted viability at ``n_doses`` log-spaced doses within each line's measured range
  (``datasetId`` ``ctrpv2``), breast-panel raw % viability per replicate (``breast``), erastin -> GSH (``gsh``).
- **Observables**: viability ``1 - Phi((ln D - ln theta_death) / sigma_death)`` (one population; the engine
  additionally averages over defence-capacity subpopulations; Phi by a logistic approximation, see
  :data:`VIABILITY`), the same in %, and ``scale * GSH``.
- **Parameters**: every model parameter with nominal value, bounds and a log-normal prior from its ``source``
  (:func:`prior_class`); the global gains (:func:`is_global_gain`) are estimated, noise SDs and GSH scales too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd
import yaml

from ferronet.calibrate import data
from ferronet.errors import FerronetError
from ferronet.io.atomic import atomic_write
from ferronet.io.sbml import to_sbml
from ferronet.model.network import Model, ident, load_model
from ferronet.profile.personalise import (
    FOOTPRINTS,
    MUTATION_GENES,
    NRF2_AXIS_MUTATIONS,
    PERSONALISED,
    expression_scores,
)

#: footprint node -> its gain parameter (``ferronet.profile.personalise.FOOTPRINTS``)
FOOTPRINT_BETA = {f.node: f.beta for f in FOOTPRINTS}
#: assay durations in hours (model time unit). CTRPv2: 72 h CellTiter-Glo (Seashore-Ludlow 2015, PMID 26181016).
#: Breast panel: not stated in the shared data, assumed 72 h like CTRPv2. GSH: the files give 300 min.
CTRP_HOURS = 72.0
BREAST_HOURS = 72.0
#: log-sd (natural log) of the log-normal priors by prior class: measured values tight (x/÷1.4), values hand-set
#: against qualitative cases medium (x/÷2), assumed ones wide (x/÷4.5); derived (basal balances) stay fixed
PRIOR_SIGMA = {"measured": 0.35, "calibrated": 0.7, "assumed": 1.5, "derived": 0.1}
#: non-k_ parameters estimated with the gains: the damage -> death map of the viability readout
DEATH_PARAMETERS = ("theta_death", "sigma_death")
#: 1 - Phi(u), u = (ln D - ln theta) / sigma, with the logistic approximation of the normal CDF of Bowling 2009
#: J Ind Eng Manag (max error 1.4e-4; PEtab v1 math has no erf)
_U = "((log(D) - log(theta_death)) / sigma_death)"
VIABILITY = f"1 / (1 + exp(1.5976 * {_U} + 0.070566 * {_U}^3))"
#: the untreated GSH points carry a nominal SEM of 0.005; no point is trusted beyond 1 % of the control
GSH_SEM_FLOOR = 0.01
SMALL_LINES = 20
SMALL_DRUGS = ("ML210", "ML162")


def prior_class(source: str, status: str | None = None) -> str:
    """Prior class of a parameter: ``derived`` (set to balance the basal state; kept fixed), else its ``status``
    (``measured``, ``calibrated`` or ``assumed``) when the model records one, else from the ``source`` text:
    ``assumed`` when chosen by a stated reason or uncited, ``measured`` when it cites a seed reference, PMID,
    DOI or author-year."""
    s = source.lower()
    if "balances" in s or "so basal" in s or s.startswith("normalisation"):
        return "derived"
    if status in PRIOR_SIGMA:
        return status
    if "reason" in s:
        return "assumed"
    return "measured" if re.search(r"\b\d{3}:\d+|pmid|doi|\b(19|20)\d\d\b", s) else "assumed"


def is_global_gain(model: Model, pid: str) -> bool:
    """Gains (dimensionless ``k_*``), personalisation gains (``beta_*``) and the death-readout parameters."""
    p = model.parameters[pid]
    return (pid.startswith("k_") and p.unit == "dimensionless") or pid.startswith("beta_") or pid in DEATH_PARAMETERS


@dataclass(frozen=True)
class ProblemSummary:
    yaml_path: Path
    n_lines: int
    n_conditions: int
    n_measurements: int
    n_estimated: int
    datasets: dict[str, int]


# ---- personalisation inputs -------------------------------------------------------------------------------
def personalisation_inputs(
    cl: data.CellLineData, model: Model, extra_genes: Iterable[str] = ()
) -> tuple[pd.DataFrame, list[str], list[str], list[str]]:
    """Fixed condition parameters per line (``mrna_z_``, ``prot_``, ``prot_on_``, ``mutf_`` columns) and the gene lists.

    z-scores and footprint scores are those of :func:`ferronet.profile.personalise.expression_scores` for a cohort
    (across the lines of the problem: median-centred, population SD); lines without expression stay at 0.
    """
    expr_genes = [g for g in PERSONALISED if g in model.nodes]
    prot_genes = [g for g in expr_genes if g in cl.proteins.columns]
    mut_genes = sorted({g for g in MUTATION_GENES if g in model.nodes} | set(extra_genes))
    out = pd.DataFrame(index=cl.info.index)
    z, footprints, _ = expression_scores(cl.expression, normalise="cohort")
    for g in expr_genes:
        out[f"mrna_z_{ident(g)}"] = z[g].reindex(out.index).fillna(0.0) if g in z.columns else 0.0
    for f in FOOTPRINTS:
        score = footprints.get(f.node)
        out[f"mrna_z_{ident(f.node)}"] = 0.0 if score is None else score.reindex(out.index).fillna(0.0)
    for g in prot_genes:
        measured = cl.proteins[g].notna()
        out[f"prot_{ident(g)}"] = cl.proteins[g].fillna(0.0).astype(float)
        out[f"prot_on_{ident(g)}"] = measured.astype(float)
    muts = cl.mutations
    read_by_footprint = "NFE2L2" in footprints  # as in personalise: the footprint carries the NRF2-axis mutations
    for g in mut_genes:
        hit = muts[g].fillna(0) > 0 if g in muts.columns else pd.Series(False, index=out.index)
        if read_by_footprint and g in NRF2_AXIS_MUTATIONS:
            hit = pd.Series(False, index=out.index)
        level = model.parameters[f"mutation_{g}"].value if f"mutation_{g}" in model.parameters else 1.0
        out[f"mutf_{ident(g)}"] = np.where(hit, level, 1.0)
    return out, [*expr_genes, *(f.node for f in FOOTPRINTS)], prot_genes, mut_genes


# ---- SBML -------------------------------------------------------------------------------------------------
def personalised_sbml(model: Model, expr_genes: list[str], prot_genes: list[str], mut_genes: list[str]) -> str:
    """The exported SBML with ``g_G`` as assignment rules of the fixed inputs and global gains."""
    doc = libsbml.readSBMLFromString(to_sbml(model))
    m = doc.getModel()
    if m is None:
        raise FerronetError("SBML export produced no model")

    def add_param(pid: str, value: float) -> None:
        if m.getParameter(pid) is not None:
            raise FerronetError(f"SBML already has a parameter {pid}")
        p = m.createParameter()
        p.setId(pid)
        p.setValue(value)
        p.setConstant(True)

    add_param("damage_on", 1.0)
    damage = [r for r in m.getListOfReactions() if any(s.getSpecies() == "D" for s in r.getListOfProducts())]
    if not damage:
        raise FerronetError("no reaction produces the damage species D; cannot gate damage for preequilibration")
    for r in damage:
        law = r.getKineticLaw()
        law.setMath(libsbml.parseL3Formula(f"damage_on * ({libsbml.formulaToL3String(law.getMath())})"))
    genes = list(dict.fromkeys([*expr_genes, *mut_genes]))
    for g in genes:
        gid = ident(g)
        target = m.getParameter(f"g_{gid}")
        if target is None:
            raise FerronetError(f"model has no gene-level parameter g_{gid}")
        parts = []
        if g in expr_genes:
            add_param(f"mrna_z_{gid}", 0.0)
            beta = FOOTPRINT_BETA.get(g, "beta_expr")
            gain = ""
            if g not in FOOTPRINT_BETA and f"gain_{g}" in model.parameters:
                if m.getParameter(f"gain_{gid}") is None:
                    add_param(f"gain_{gid}", model.parameters[f"gain_{g}"].value)
                gain = f" * gain_{gid}"
            level = f"exp({beta}{gain} * mrna_z_{gid})"
            if g in prot_genes:
                add_param(f"prot_{gid}", 0.0)
                add_param(f"prot_on_{gid}", 0.0)
                level = f"({level} * (1 - prot_on_{gid}) + pow(2, beta_prot * prot_{gid}) * prot_on_{gid})"
            parts.append(f"min(max({level}, level_floor), level_cap)")
        if g in mut_genes:
            add_param(f"mutf_{gid}", 1.0)
            parts.append(f"mutf_{gid}")
        target.setConstant(False)
        rule = m.createAssignmentRule()
        rule.setVariable(f"g_{gid}")
        ast = libsbml.parseL3Formula(" * ".join(parts))
        if ast is None:
            raise FerronetError(f"cannot parse the personalisation rule of {g}: {libsbml.getLastParseL3Error()}")
        rule.setMath(ast)
    return str(libsbml.writeSBMLToString(doc))


# ---- tables -----------------------------------------------------------------------------------------------
def parameter_table(model: Model, extra: pd.DataFrame) -> pd.DataFrame:
    """Every model parameter with bounds and a prior from its source, plus the problem's own parameters."""
    rows = []
    for pid, p in model.parameters.items():
        cls = prior_class(p.source, getattr(p, "status", None))
        sigma = PRIOR_SIGMA[cls]
        span = math.exp(3 * sigma) if cls != "derived" else 1.5
        rows.append(
            {
                "parameterId": pid,
                "parameterName": f"{pid} [{p.unit}] ({cls})",
                "parameterScale": "log10",
                "lowerBound": p.value / span,
                "upperBound": p.value * span,
                "nominalValue": p.value,
                "estimate": int(is_global_gain(model, pid) and cls != "derived"),
                "objectivePriorType": "logNormal",
                "objectivePriorParameters": f"{math.log(p.value):.6g};{sigma:g}",
            }
        )
    return pd.concat([pd.DataFrame(rows), extra], ignore_index=True)


def _own_parameter(pid: str, name: str, nominal: float, lo: float, hi: float, estimate: int = 1) -> dict[str, object]:
    return {
        "parameterId": pid,
        "parameterName": name,
        "parameterScale": "log10",
        "lowerBound": lo,
        "upperBound": hi,
        "nominalValue": nominal,
        "estimate": estimate,
        "objectivePriorType": "parameterScaleUniform",
        "objectivePriorParameters": f"{math.log10(lo):g};{math.log10(hi):g}",
    }


def _cid(*parts: object) -> str:
    return "__".join(str(p) for p in parts).replace(".", "p").replace("-", "_")


def build_tables(
    model: Model, small: bool = False, n_doses: int = 8, seed: int = 0
) -> tuple[str, dict[str, pd.DataFrame], dict[str, int]]:
    """SBML text and the four PEtab tables (conditions, measurements, observables, parameters)."""
    drugs = SMALL_DRUGS if small else data.CTRP_DRUGS
    curves = data.ctrp_curves(drugs)
    expr_keys = set(data.expression().index)
    curves = curves[curves["key"].isin(expr_keys)]
    if small:
        per_line = curves.groupby("key")["drug"].nunique()
        keys = sorted(per_line.index[per_line == len(drugs)])  # lines measured with every drug of the CI set
        rng = np.random.default_rng(seed)
        chosen = set(rng.choice(keys, size=min(SMALL_LINES, len(keys)), replace=False))
        curves = curves[curves["key"].isin(chosen)]
    viab = data.ctrp_viability(curves, n_doses)
    breast = data.breast_panel() if not small else data.breast_panel().iloc[0:0]
    gsh = data.erastin_gsh()
    in_model = compound_ids(model, {*viab["drug"], *breast["drug"], "erastin"})
    # drugs without a mechanism in the compound library (CIL55, CIL56 today) wait for one
    viab = viab[viab["drug"].isin(in_model)]
    line_keys = sorted(set(viab["key"]) | set(breast["key"]))
    cl = data.cell_line_data(line_keys)
    cell_genes = {g for c in ("HT1080", "U2OS") for g in model.cells[c].genes}
    inputs, expr_genes, prot_genes, mut_genes = personalisation_inputs(cl, model, cell_genes)
    # the GSH lines use the model's named cell profiles (genotype factors only, no expression)
    for key, cell in (("HT1080", "HT1080"), ("U2OS", "U2OS")):
        row = {c: (1.0 if c.startswith("mutf_") else 0.0) for c in inputs.columns}
        for g, v in model.cells[cell].genes.items():
            row[f"mutf_{ident(g)}"] = float(v)
        inputs.loc[f"GSH_{key}"] = row
    sbml = personalised_sbml(model, expr_genes, prot_genes, mut_genes)
    dose_cols = sorted({model.compounds[c].param for c in in_model.values()})

    conds: list[dict[str, object]] = []
    for line, row in inputs.iterrows():
        conds.append(
            {
                "conditionId": _cid("pre", line),
                **dict.fromkeys(dose_cols, 0.0),
                "damage_on": 0.0,
                "D": 0.0,
                **row.to_dict(),
            }
        )
    meas: list[dict[str, object]] = []

    def add(
        line: str,
        drug: str,
        dose: float,
        tag: str,
        obs: str,
        value: float,
        t: float,
        noise: str,
        ds: str,
        rep: str = "",
    ) -> None:
        cid = _cid("c", line, tag)
        if not seen.get(cid):
            seen[cid] = True
            doses = dict.fromkeys(dose_cols, 0.0)
            doses[model.compounds[in_model[drug]].param] = float(dose)
            conds.append({"conditionId": cid, **doses, "damage_on": 1.0, "D": 0.0, **inputs.loc[line].to_dict()})
        meas.append(
            {
                "observableId": obs,
                "preequilibrationConditionId": _cid("pre", line),
                "simulationConditionId": cid,
                "measurement": value,
                "time": t,
                "observableParameters": "",
                "noiseParameters": noise,
                "datasetId": ds,
                "replicateId": rep,
            }
        )

    seen: dict[str, bool] = {}
    for r in viab.itertuples(index=False):
        add(
            str(r.key),
            str(r.drug),
            float(r.dose_uM),
            f"{r.drug}_d{r.dose_index}",
            "viability",
            float(r.viability),
            CTRP_HOURS,
            "sd_ctrpv2",
            "ctrpv2",
        )
    if len(breast):
        dose_rank = {(d, x): i for d, g in breast.groupby("drug") for i, x in enumerate(sorted(set(g["dose_uM"])))}
        for r in breast.itertuples(index=False):
            add(
                str(r.key),
                str(r.drug),
                float(r.dose_uM),
                f"{r.drug}_b{dose_rank[(r.drug, r.dose_uM)]}",
                "viability_pct",
                float(r.viability_pct),
                BREAST_HOURS,
                "sd_breast",
                "breast",
                f"rep{r.replicate}",
            )
    for i, r in enumerate(gsh.itertuples(index=False)):
        line = f"GSH_{r.key}"
        add(
            line,
            "erastin",
            float(r.erastin_uM),
            f"erastin_g{i}",
            "gsh_rel",
            float(r.gsh),
            float(r.time_h),
            f"{max(float(r.sem), GSH_SEM_FLOOR):g}",
            "gsh",
        )
        meas[-1]["observableParameters"] = f"scale_gsh_{r.key}"

    observables = pd.DataFrame(
        [
            {
                "observableId": "viability",
                "observableName": "viable fraction (CTRPv2 fitted curve)",
                "observableFormula": VIABILITY,
                "observableTransformation": "lin",
                "noiseFormula": "noiseParameter1_viability",
                "noiseDistribution": "normal",
            },
            {
                "observableId": "viability_pct",
                "observableName": "viability, % of untreated (breast panel, raw replicates)",
                "observableFormula": f"100 * {VIABILITY}",
                "observableTransformation": "lin",
                "noiseFormula": "noiseParameter1_viability_pct",
                "noiseDistribution": "normal",
            },
            {
                "observableId": "gsh_rel",
                "observableName": "GSH, fraction of untreated",
                "observableFormula": "observableParameter1_gsh_rel * GSH",
                "observableTransformation": "lin",
                "noiseFormula": "noiseParameter1_gsh_rel",
                "noiseDistribution": "normal",
            },
        ]
    )
    own = [
        _own_parameter("sd_ctrpv2", "residual SD of CTRPv2 viability (fraction)", 0.1, 1e-3, 1.0),
        _own_parameter("scale_gsh_HT1080", "GSH readout scale, HT-1080", 1.0, 0.1, 10.0),
        _own_parameter("scale_gsh_U2OS", "GSH readout scale, U-2 OS", 1.0, 0.1, 10.0),
    ]
    if len(breast):
        own.append(_own_parameter("sd_breast", "residual SD of breast-panel viability (%)", 10.0, 0.1, 100.0))
    used_in_conditions = {"damage_on", *dose_cols, *inputs.columns}
    fixed = [
        pid
        for pid in model.default_values()
        if pid not in model.parameters
        and pid not in used_in_conditions
        and not _is_rule_gene(pid, expr_genes, mut_genes)
    ]
    own += [
        {
            **_own_parameter(pid, f"{pid} (fixed input)", model.default_values()[pid] or 1.0, 1e-3, 1e3, 0),
            "parameterScale": "lin",
            "lowerBound": 0.0,
            "nominalValue": model.default_values()[pid],
            "objectivePriorType": "",
            "objectivePriorParameters": "",
        }
        for pid in fixed
    ]
    params = parameter_table(model, pd.DataFrame(own))
    conditions = pd.DataFrame(conds).set_index("conditionId")
    measurements = pd.DataFrame(meas)
    counts = measurements["datasetId"].value_counts().to_dict()
    counts["lines"] = len(inputs)
    return (
        sbml,
        {"conditions": conditions, "measurements": measurements, "observables": observables, "parameters": params},
        counts,
    )


def compound_ids(model: Model, drugs: Iterable[str]) -> dict[str, str]:
    """Model compound id of each drug the compound library knows (others are left out)."""
    out = {}
    for d in drugs:
        try:
            kind, cid = model.lookup(d)
        except FerronetError:
            continue
        if kind == "compound":
            out[d] = cid
    return out


def _is_rule_gene(pid: str, expr_genes: list[str], mut_genes: list[str]) -> bool:
    return pid in {f"g_{ident(g)}" for g in [*expr_genes, *mut_genes]}


def write_problem(
    out_dir: Path, small: bool = False, n_doses: int = 8, seed: int = 0, model: Model | None = None
) -> ProblemSummary:
    """Build and write the PEtab problem into ``out_dir`` (created); returns a summary with the YAML path."""
    m = model or load_model()
    sbml, tables, counts = build_tables(m, small=small, n_doses=n_doses, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "model": "ferronet.xml",
        "conditions": "conditions.tsv",
        "measurements": "measurements.tsv",
        "observables": "observables.tsv",
        "parameters": "parameters.tsv",
    }
    atomic_write(out_dir / files["model"], sbml)
    for name in ("conditions", "measurements", "observables", "parameters"):
        frame = tables[name]
        atomic_write(out_dir / files[name], frame.to_csv(sep="\t", index=name == "conditions"))
    config = {
        "format_version": 1,
        "parameter_file": files["parameters"],
        "problems": [
            {
                "sbml_files": [files["model"]],
                "condition_files": [files["conditions"]],
                "measurement_files": [files["measurements"]],
                "observable_files": [files["observables"]],
            }
        ],
    }
    yaml_path = out_dir / "problem.yaml"
    atomic_write(yaml_path, yaml.safe_dump(config, sort_keys=False))
    return ProblemSummary(
        yaml_path=yaml_path,
        n_lines=counts.pop("lines"),
        n_conditions=len(tables["conditions"]),
        n_measurements=len(tables["measurements"]),
        n_estimated=int(tables["parameters"]["estimate"].sum()),
        datasets={str(k): int(v) for k, v in counts.items()},
    )


def lint(yaml_path: Path) -> bool:
    """True when ``petab.v1.lint.lint_problem`` finds no error (errors are logged by petab)."""
    from petab.v1 import Problem
    from petab.v1.lint import lint_problem

    return not lint_problem(Problem.from_yaml(yaml_path))
