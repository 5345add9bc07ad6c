"""What a fit compares: simulated against measured viability curves, GSH points and the classic lethal facts.

- **Viability curves** (:class:`CurveData`): CTRPv2 72 h fitted viability of each line at log-spaced doses within
  its measured range (Seashore-Ludlow 2015 Cancer Discov, PMID:26181016), and the breast panel's replicate means
  (Sima Lev lab, iScience 2024, doi:10.1016/j.isci.2024.110859). Each line enters through its personalised gene
  levels (:func:`ferronet.profile.personalise.personalise`: the same map ``ferronet predict`` uses).
- **GSH** after 5 h of erastin in HT-1080 and U-2 OS, relative to untreated (SysBioCollab-UArk Ferroptosis data).
- **Lethal facts** (issue #10): HT1080 24 h, erastin 10 uM and RSL3 1 uM kill most cells, ferrostatin-1 and
  deferoxamine rescue, GPX4-knockout cells live on liproxstatin-1 and die after withdrawal (Dixon 2012 Cell
  PMID:22632970; Yang 2014 Cell PMID:24439385; Friedmann Angeli 2014 Nat Cell Biol PMID:25402683; Dixon 2014 eLife
  PMID:24844246). They are one-sided (hinge) residuals: zero while the fact holds.

- **Qualitative literature cases** (``literature.yaml``, the packaged calibration cases): a soft constraint. Each
  case's relative change ``d = (second - first) / max(1, |first|, |second|)`` must point the expected way beyond
  the check's tolerance (plus :data:`LITERATURE_MARGIN`); a one-sided residual ``/ LITERATURE_SD`` otherwise.

Erastin viability data are never used: erastin is predicted from mechanism alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from ferronet.calibrate import data
from ferronet.errors import FerronetError
from ferronet.model.network import Model
from ferronet.profile.personalise import personalise
from ferronet.screen.runner import run_conditions
from ferronet.sim.conditions import Condition
from ferronet.sim.protocol import Protocol
from ferronet.validate.observations import Observation

T = TypeVar("T")

#: noise SD of a viability point (fraction). Assumed: CTRPv2 replicate SDs are about 0.1 (Seashore-Ludlow 2015)
VIABILITY_SD = 0.1
#: SD floor of a GSH point: the files' SEMs (0.005-0.13) are within-experiment; 0.05 = assumed between-experiment
GSH_SD_FLOOR = 0.05
#: tolerance of a lethal fact's bound (fraction dead) in the hinge residual (assumed; a near-hard constraint)
FACT_SD = 0.01
#: margin beyond the check tolerance and scale of a literature case's one-sided residual (assumed: a case that
#: misses by 0.01 costs as much as a viability point off by 0.5; near-hard constraints)
LITERATURE_MARGIN = 0.01
LITERATURE_SD = 0.002
#: between-line term of a cohort's curves: the standardised simulated AUC against the standardised measured AUC,
#: ``(z_sim - z_meas) / CORRELATION_SD`` per line (sum of squares = 2 n (1 - Pearson r) / SD^2): it fits which
#: line is more resistant, which the squared curve error alone trades for smaller spread (assumed weight)
CORRELATION_SD = 0.1
#: a cohort needs this many lines for the between-line term
CORRELATION_MIN_LINES = 10
#: CTRPv2 and (assumed) breast-panel assay length, hours
ASSAY_HOURS = 72.0
#: a viability curve is compared at this many log-spaced doses per line
N_DOSES = 4


@dataclass(frozen=True)
class LethalFact:
    """``death(perturbations, cell, hours)`` must be >= ``at_least`` or <= ``at_most``."""

    name: str
    perturbations: tuple[str, ...]
    at_least: float | None = None
    at_most: float | None = None
    pre: tuple[str, ...] = ()
    cell: str = "HT1080"


LETHAL_FACTS = (
    LethalFact("erastin 10 uM kills", ("erastin@10uM",), at_least=0.80),
    LethalFact("RSL3 1 uM kills", ("RSL3@1uM",), at_least=0.90),
    LethalFact("ferrostatin-1 rescues erastin", ("erastin@10uM", "ferrostatin-1@1uM"), at_most=0.15),
    LethalFact("deferoxamine rescues erastin", ("erastin@10uM", "deferoxamine@100uM"), at_most=0.30),
    LethalFact("sorafenib 10 uM kills partly", ("sorafenib@10uM",), at_least=0.30),
    LethalFact("untreated cells live", (), at_most=0.02),
    LethalFact(
        "GPX4-KO lives on liproxstatin-1",
        ("GPX4:knockout", "liproxstatin-1@1uM"),
        at_most=0.20,
        pre=("liproxstatin-1@1uM",),
    ),
    LethalFact("GPX4-KO dies after withdrawal", ("GPX4:knockout",), at_least=0.50, pre=("liproxstatin-1@1uM",)),
)


@dataclass(frozen=True)
class CurveData:
    """Measured viability (fraction) of ``lines`` x doses for one compound; NaN = not measured."""

    drug: str  # compound id in the model
    source: str
    lines: tuple[str, ...]
    doses: np.ndarray  # (n_lines, n_doses), uM
    viability: np.ndarray  # (n_lines, n_doses)
    hours: float = ASSAY_HOURS

    def subset(self, keep: set[str]) -> CurveData:
        rows = [i for i, k in enumerate(self.lines) if k in keep]
        return replace(
            self, lines=tuple(self.lines[i] for i in rows), doses=self.doses[rows], viability=self.viability[rows]
        )


@dataclass(frozen=True)
class FitData:
    """Everything one fit compares with, plus the profiles of its lines."""

    curves: tuple[CurveData, ...]
    cells: data.CellLineData
    gsh: pd.DataFrame | None = None
    facts: tuple[LethalFact, ...] = LETHAL_FACTS
    literature: tuple[Observation, ...] = ()

    @property
    def lines(self) -> list[str]:
        return sorted({k for c in self.curves for k in c.lines})

    def n_points(self) -> dict[str, int]:
        out = {f"{c.source} {c.drug}": int(np.isfinite(c.viability).sum()) for c in self.curves}
        if self.gsh is not None:
            out["GSH (erastin, 5 h)"] = len(self.gsh)
        out["lethal facts"] = len(self.facts)
        if self.literature:
            out["literature cases (soft)"] = len(self.literature)
        return out

    def restrict(self, lines: Sequence[str]) -> FitData:
        """The same data on ``lines`` only (the profiles of every line are kept: they carry no response)."""
        keep = set(lines)
        return replace(self, curves=tuple(c.subset(keep) for c in self.curves))


def ctrp_curve_data(drug: str, lines: Sequence[str] | None = None, n_doses: int = N_DOSES) -> CurveData:
    """CTRPv2 fitted viability at ``n_doses`` log-spaced doses within each line's measured range."""
    curves = data.ctrp_curves([drug])
    if lines is not None:
        curves = curves[curves["key"].isin(set(lines))]
    long = data.ctrp_viability(curves, n_doses)
    keys = tuple(curves["key"])
    return CurveData(
        drug,
        "CTRPv2",
        keys,
        long["dose_uM"].to_numpy().reshape(len(keys), n_doses),
        long["viability"].to_numpy().reshape(len(keys), n_doses).clip(0.0, 1.2),
    )


def breast_curve_data(drug: str) -> CurveData:
    """Breast-panel replicate means (fraction of untreated) at every tested dose."""
    panel = data.breast_panel([drug])
    means = panel.groupby(["key", "dose_uM"])["viability_pct"].mean().unstack("dose_uM") / 100.0
    doses = np.broadcast_to(means.columns.to_numpy(dtype=float), means.shape).copy()
    return CurveData(drug, "breast panel", tuple(means.index), doses, means.to_numpy(dtype=float).clip(0.0, 1.5))


def default_data(
    ctrp: Sequence[str] = ("ML210", "ML162"),
    breast: Sequence[str] = ("RSL3", "FIN56"),
    gsh: bool = True,
    lines: Sequence[str] | None = None,
    n_doses: int = N_DOSES,
    literature: bool = True,
) -> FitData:
    """The calibration data: CTRPv2 curves of ``ctrp``, breast-panel curves of ``breast``, GSH points, lethal facts.

    Only lines with GDSC expression enter (a line without a profile cannot be personalised). Erastin viability
    (CTRPv2 or breast panel) is refused: it is the drug predicted from mechanism alone.
    """
    asked = [d.lower() for d in (*ctrp, *breast)]
    if "erastin" in asked:
        raise FerronetError("erastin viability is predicted from mechanism alone and never fitted")
    expr_keys = set(data.expression().index)
    keep = expr_keys if lines is None else expr_keys & set(lines)
    curves = [ctrp_curve_data(d, sorted(keep), n_doses) for d in ctrp]
    curves += [c.subset(keep) for c in (breast_curve_data(d) for d in breast)]
    curves = [c for c in curves if c.lines]
    if not curves:
        raise FerronetError("no line of the calibration data has an expression profile")
    all_lines = sorted({k for c in curves for k in c.lines})
    cases: tuple[Observation, ...] = ()
    if literature:
        from importlib import resources

        from ferronet.validate import load_observations

        path = resources.files("ferronet.data").joinpath("observations/literature.yaml")
        cases = tuple(load_observations(str(path)))
    return FitData(tuple(curves), data.cell_line_data(all_lines), data.erastin_gsh() if gsh else None, literature=cases)


# ---- simulation -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Simulated:
    """Simulated counterparts of a :class:`FitData`, aligned with it."""

    curves: tuple[np.ndarray, ...]  # viability, like CurveData.viability
    gsh: np.ndarray | None
    facts: np.ndarray  # fraction dead per fact
    failed: int
    literature: tuple[tuple[str, float, float], ...] = ()  # (expected direction, first, second) per case


def line_levels(
    model: Model, cells: data.CellLineData, lines: Sequence[str] | None = None
) -> dict[str, tuple[tuple[str, float], ...]]:
    """Personalised gene levels of ``lines`` (default: every line; the map of ``ferronet predict``, which
    normalises each sample against the shipped reference, so a subset gives the same levels), sorted for the
    engine."""
    import warnings

    rows = list(cells.expression.index if lines is None else lines)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing genes are reported by the fit report, not per evaluation
        prof = personalise(
            cells.expression.loc[rows], cells.mutations.loc[rows].fillna(0), cells.proteins.loc[rows], model
        )
    return {s: tuple(sorted(lv.items())) for s, lv in zip(prof.samples, prof.levels, strict=True)}


#: parameters of the personalisation map: they change only the simulated cell lines, never the named cells of the
#: GSH points, lethal facts and literature cases (whose z-scores are 0, so their levels do not depend on gains)
PERSONALISATION = ("beta_expr", "beta_nrf2", "beta_prot")
#: per-compound pharmacology parameters are named ``<kind>_<compound>_<target>``
_COMPOUND_PARAMETER = ("ic50_", "emax_", "hill_")


class TermCache:
    """The last simulated value of each term of a fit (a curve, the GSH points, the facts, the literature cases),
    keyed by the parameters that term depends on: a step that moves only a gain re-simulates only the curves, and
    a step that moves one drug's potency only that drug's curves and the named-cell terms."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, object]] = {}

    def get(self, term: str, key: str) -> object | None:
        hit = self._values.get(term)
        return hit[1] if hit is not None and hit[0] == key else None

    def put(self, term: str, key: str, value: object) -> None:
        self._values[term] = (key, value)


def term_key(model: Model, compound: str | None = None, personalised: bool = True) -> str:
    """Digest of the parameter values a term depends on: all but the other compounds' pharmacology (``compound``
    given) and, for terms of named cells (``personalised=False``), all but the personalisation map."""
    import hashlib

    compounds = set(model.compounds)
    items = []
    for name, p in model.parameters.items():
        if not personalised and (name.startswith("gain_") or name in PERSONALISATION):
            continue
        if compound is not None and name.startswith(_COMPOUND_PARAMETER):
            owner = name.split("_")[1]
            if owner in compounds and owner != compound:
                continue
        items.append((name, p.value))
    text = repr((model.version, sorted(items), [str(x) for x in model.perturbations]))
    return hashlib.sha256(text.encode()).hexdigest()


def simulate(
    model: Model,
    fit_data: FitData,
    progress: bool = False,
    scheduler: str | None = None,
    cache: TermCache | None = None,
) -> Simulated:
    """Simulate every curve point, GSH point and lethal fact of ``fit_data`` with ``model``; with ``cache``, only
    the terms whose parameters changed since the cached evaluation."""
    cache = cache if cache is not None else TermCache()
    failed = 0
    drug_ids = [model.lookup(c.drug)[1] for c in fit_data.curves]
    curve_keys = [f"curve {i}|" + term_key(model, d) for i, d in enumerate(drug_ids)]
    todo = [i for i, k in enumerate(curve_keys) if cache.get(f"curve {i}", k) is None]
    lines = sorted({k for i in todo for k in fit_data.curves[i].lines})
    levels = line_levels(model, fit_data.cells, lines) if lines else {}
    by_hours: dict[float, list[tuple[int, list[Condition]]]] = {}
    for i in todo:
        c, drug_id = fit_data.curves[i], drug_ids[i]
        parsed: dict[float, Condition] = {}
        conds = []
        for k, row, measured in zip(c.lines, c.doses, np.isfinite(c.viability), strict=True):
            for d in row[measured]:  # only the measured points are simulated
                base = parsed.get(d) or parsed.setdefault(d, Condition.parse(model, [f"{drug_id}@{d:g}uM"]))
                conds.append(Condition(base.cell, base.perturbations, levels[k]))
        by_hours.setdefault(c.hours, []).append((i, conds))
    for hours, groups in by_hours.items():
        flat = [cond for _, conds in groups for cond in conds]
        values, status = run_conditions(
            flat, ["ferroptosis"], scheduler, progress, desc="fit", model=model, protocol=Protocol(hours=hours)
        )
        n_failed = np.array([s != "ok" for s in status])
        start = 0
        for i, conds in groups:
            c = fit_data.curves[i]
            full = np.full(c.viability.shape, np.nan)
            full[np.isfinite(c.viability)] = 1.0 - values["ferroptosis"][start : start + len(conds)]
            cache.put(f"curve {i}", curve_keys[i], (full, int(n_failed[start : start + len(conds)].sum())))
            start += len(conds)
    curves = []
    for i, key in enumerate(curve_keys):
        hit = cache.get(f"curve {i}", key)
        assert isinstance(hit, tuple)
        curves.append(hit[0])
        failed += int(hit[1])
    named = term_key(model, personalised=False)
    gsh, n = _cached(cache, "gsh", named, lambda: _simulate_gsh(model, fit_data))
    failed += n
    facts, n = _cached(cache, "facts", named, lambda: _simulate_facts(model, fit_data))
    failed += n
    lit, _ = _cached(cache, "literature", named, lambda: (_simulate_literature(model, fit_data), 0))
    return Simulated(tuple(curves), gsh, facts, failed, lit)


def _cached(cache: TermCache, term: str, key: str, run: Callable[[], T]) -> T:
    hit = cache.get(term, key)
    if hit is None:
        hit = run()
        cache.put(term, key, hit)
    return hit  # type: ignore[return-value]


def _simulate_gsh(model: Model, fit_data: FitData) -> tuple[np.ndarray | None, int]:
    """GSH relative to the untreated control of each cell, at each erastin point."""
    if fit_data.gsh is None:
        return None, 0
    g = fit_data.gsh
    conds = [
        Condition.parse(model, [f"erastin@{d:g}uM"] if d > 0 else [], cell)
        for cell, d in zip(g["key"], g["erastin_uM"], strict=True)
    ]
    hours = float(g["time_h"].iloc[0])
    values, status = run_conditions(conds, ["GSH"], progress=False, model=model, protocol=Protocol(hours=hours))
    raw = pd.Series(values["GSH"], index=g.index)
    control = raw.groupby(g["key"]).transform(lambda s: s[g.loc[s.index, "erastin_uM"] == 0].mean())
    return (raw / control).to_numpy(), sum(s != "ok" for s in status)


def _simulate_facts(model: Model, fit_data: FitData) -> tuple[np.ndarray, int]:
    """Fraction dead of each lethal fact, grouped by pre-culture."""
    facts = np.zeros(len(fit_data.facts))
    failed = 0
    by_pre: dict[tuple[str, ...], list[int]] = {}
    for j, f in enumerate(fit_data.facts):
        by_pre.setdefault(f.pre, []).append(j)
    for pre, idx in by_pre.items():
        conds = [Condition.parse(model, list(fit_data.facts[j].perturbations), fit_data.facts[j].cell) for j in idx]
        values, status = run_conditions(conds, ["ferroptosis"], progress=False, model=model, protocol=Protocol(pre=pre))
        failed += sum(s != "ok" for s in status)
        facts[idx] = values["ferroptosis"]
    return facts, failed


def _simulate_literature(model: Model, fit_data: FitData) -> tuple[tuple[str, float, float], ...]:
    """(expected direction, first, second) of each qualitative literature case."""
    if not fit_data.literature:
        return ()
    from ferronet.validate import check_observations

    report = check_observations(list(fit_data.literature), model)
    nan = float("nan")
    return tuple(
        (c.expected, nan if c.first is None else c.first, nan if c.second is None else c.second) for c in report.cases
    )


def residuals(fit_data: FitData, sim: Simulated) -> np.ndarray:
    """Weighted residuals: viability / VIABILITY_SD, GSH / max(SEM, GSH_SD_FLOOR), lethal-fact hinges / FACT_SD."""
    parts = []
    for c, s in zip(fit_data.curves, sim.curves, strict=True):
        ok = np.isfinite(c.viability)
        parts.append(np.nan_to_num((s[ok] - c.viability[ok]) / VIABILITY_SD, nan=10.0))
        if c.source == "CTRPv2" and len(c.lines) >= CORRELATION_MIN_LINES:
            parts.append(between_line_residuals(c, s))
    if fit_data.gsh is not None and sim.gsh is not None:
        sd = np.maximum(fit_data.gsh["sem"].to_numpy(), GSH_SD_FLOOR)
        parts.append(np.nan_to_num((sim.gsh - fit_data.gsh["gsh"].to_numpy()) / sd, nan=10.0))
    hinge = np.zeros(len(fit_data.facts))
    for j, f in enumerate(fit_data.facts):
        if f.at_least is not None:
            hinge[j] = max(0.0, f.at_least - sim.facts[j])
        if f.at_most is not None:
            hinge[j] = max(hinge[j], sim.facts[j] - f.at_most)
    parts.append(hinge / FACT_SD)
    if sim.literature:
        parts.append(literature_residuals(sim.literature))
    return np.concatenate(parts)


def line_means(values: np.ndarray, measured: np.ndarray) -> np.ndarray:
    """Each line's mean of ``values`` over its measured doses (the model's analogue of the CTRPv2 AUC)."""
    return np.array([row[m].mean() if m.any() else np.nan for row, m in zip(values, measured, strict=True)])


def between_line_residuals(c: CurveData, sim: np.ndarray) -> np.ndarray:
    """Standardised simulated minus standardised measured AUC per line, / :data:`CORRELATION_SD`."""
    measured = np.isfinite(c.viability)
    meas = line_means(c.viability, measured)
    pred = line_means(np.nan_to_num(sim, nan=0.0), measured)

    def z(x: np.ndarray) -> np.ndarray:
        sd = x.std()
        return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)

    return (z(pred) - z(meas)) / CORRELATION_SD


def literature_residuals(cases: Sequence[tuple[str, float, float]]) -> np.ndarray:
    """One-sided residual per qualitative case (0 while the case passes with the margin)."""
    from ferronet.validate.observations import TOLERANCE

    out = np.zeros(len(cases))
    for i, (expect, a, b) in enumerate(cases):
        if not (np.isfinite(a) and np.isfinite(b)):
            out[i] = 10.0
            continue
        d = (b - a) / max(1.0, abs(a), abs(b))
        need = TOLERANCE + LITERATURE_MARGIN
        if expect == "increase":
            miss = need - d
        elif expect == "decrease":
            miss = d + need
        else:
            miss = abs(d) - (TOLERANCE - LITERATURE_MARGIN)
        out[i] = max(0.0, miss) / LITERATURE_SD
    return out
