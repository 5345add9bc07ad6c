"""Personalise the model from a sample's profile and predict its drug response.

Expression is turned into one z-score per model gene and sample, by default against a reference shipped with the
package (:mod:`ferronet.profile.reference`; ``normalise="reference"``), so a sample's levels never depend on the
other samples of its table. Enzyme and transporter levels are ``level = exp(beta_expr * gain_<GENE> * z)``; the
NRF2 node is set from the mean z of its transcriptional targets (``exp(beta_nrf2 * footprint)``) and the ZEB1 node
(mesenchymal cell state) from mesenchymal minus epithelial marker expression (``exp(beta_emt * score)``; see
:data:`FOOTPRINTS`). Measured protein
(log2 relative abundance, centred on the CCLE reference) overrides mRNA with ``level = 2 ** (beta_prot * p)``;
where a protein value is missing the sample's mRNA is used. All levels are clipped to
``[level_floor, level_cap]``. The gains are model parameters read on every call (a fitter changes them).
Mutations set node levels (``mutation_<GENE>``: TP53 and PTEN loss, KRAS activation; KEAP1/CUL3 loss and NFE2L2
gain only when no NRF2-target footprint is available, which already reads them). The score of a sample is its
predicted mean viability (1 - fraction dead) over the drug's standard dose range: higher = more resistant.
See ``docs/personalisation.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ferronet.errors import FerronetError
from ferronet.model.network import Model, load_model
from ferronet.profile.genesets import AXIS_SETS
from ferronet.profile.io import as_expression_frame
from ferronet.profile.readout import PROTEIN_INPUT, READOUTS, SignedReadout, readout_for, shipped_readouts
from ferronet.profile.reference import MIN_ANCHOR, anchor_genes, expression_reference, protein_reference, standardise
from ferronet.screen.runner import run_conditions
from ferronet.sim.conditions import Condition

if TYPE_CHECKING:
    from anndata import AnnData

#: NRF2 activity is read from the expression of its targets (a transcriptional footprint), not from NFE2L2 mRNA
NRF2_FOOTPRINT = (
    "NQO1",
    "GCLM",
    "GCLC",
    "TXNRD1",
    "SRXN1",
    "AKR1C1",
    "AKR1C2",
    "AKR1C3",
    "AKR1B10",
    "G6PD",
    "PGD",
    "ME1",
    "TKT",
    "HMOX1",
    "SLC7A11",
    "ABCC2",
    "ABCC3",
    "OSGIN1",
    "GPX2",
    "CBR1",
    "FTL",
    "FTH1",
)
#: mesenchymal cell state (EMT): ZEB1 and the mesenchymal markers vimentin and N-cadherin against the epithelial
#: markers E-cadherin, EpCAM and ESRP1 (which ZEB1 represses). The therapy-resistant high-mesenchymal state depends on
#: GPX4 (Viswanathan 2017 Nature, 000:13 = 002:12, PMID:28678784); ZEB1 raises the PUFA- over MUFA-phospholipid
#: ratio through the lipogenic enzymes (Schwab 2024 Nat Cell Biol, 000:93, PMID:39009641). Marker choice assumed:
#: canonical EMT markers, fixed before any drug response was looked at (one set, not tuned)
EMT_MESENCHYMAL = ("ZEB1", "VIM", "CDH2")
EMT_EPITHELIAL = ("CDH1", "EPCAM", "ESRP1")


@dataclass(frozen=True)
class Footprint:
    """A node whose level is read from the expression of the genes it drives (or marks), not from its own mRNA:
    ``score = (mean z(up) - mean z(down)) / reference SD``, ``level = exp(<beta> * score)``."""

    node: str
    beta: str  # parameter: ln(level) per SD of the score
    up: tuple[str, ...]
    down: tuple[str, ...] = ()
    min_genes: int = 5  # fewer measured genes: no score, the node stays at its default level

    @property
    def genes(self) -> tuple[str, ...]:
        return (*self.up, *self.down)

    def raw(self, z: pd.DataFrame) -> pd.Series | None:
        """Unscaled score per sample from per-gene z-scores (None when too few of the genes are measured)."""
        up = [g for g in self.up if g in z.columns]
        down = [g for g in self.down if g in z.columns]
        if len(up) + len(down) < self.min_genes or (self.down and not (up and down)):
            return None
        score = z[up].mean(axis=1)
        return score - z[down].mean(axis=1) if down else score


#: nodes set from a transcriptional footprint (NRF2: its targets, seed 000 Table 1; ZEB1: the EMT markers above)
FOOTPRINTS = (
    Footprint("NFE2L2", "beta_nrf2", NRF2_FOOTPRINT),
    Footprint("ZEB1", "beta_emt", EMT_MESENCHYMAL, EMT_EPITHELIAL, min_genes=4),
)
#: genes whose mutation sets the node's level in a mutant tumour: model parameter ``mutation_<GENE>`` (relative
#: level; loss-of-function alleles keep some activity; values and sources in ``data/model/parameters.yaml``)
MUTATION_GENES = ("KEAP1", "CUL3", "NFE2L2", "TP53", "PTEN", "KRAS")
#: mutations of the KEAP1-CUL3-NRF2 axis act through NRF2's transcriptional output (seed 000, Table 1): when the
#: NRF2-target footprint is read from the sample's expression it already carries them, so they are not applied
#: a second time (they are applied when no footprint can be computed)
NRF2_AXIS_MUTATIONS = ("KEAP1", "CUL3", "NFE2L2")
#: axis -> model genes (explanation columns); NRF2 = the mutations of the KEAP1-NRF2 pathway; ZEB1 (EMT
#: footprint) acts on PUFA supply, so it counts to the lipid axis
AXIS_GENES: dict[str, tuple[str, ...]] = {
    "GPX4_GSH": ("SLC7A11", "SLC3A2", "GCLC", "GCLM", "GSS", "GSR", "G6PD", "GPX4"),
    "FSP1": ("AIFM2", "DHODH", "GCH1", "NQO1"),
    "iron": ("TFRC", "FTH1", "FTL", "NCOA4", "HERC2", "SLC40A1", "HMOX1", "FECH", "ABCB6", "MT1G", "NFS1", "PIR"),
    "lipid": (
        "ACSL4",
        "LPCAT3",
        "ALOX5",
        "ALOX12",
        "ALOX15",
        "POR",
        "SCD",
        "ACSL3",
        "MGST1",
        "ALDH1A1",
        "ALDH3A1",
        "ACACA",
        "ZEB1",
    ),
    "NRF2": ("KEAP1", "CUL3", "NFE2L2"),
}
assert set(AXIS_SETS) <= set(AXIS_GENES)
#: enzymes and transporters whose amount sets their activity (signalling nodes are not set from mRNA)
PERSONALISED = tuple(
    g for axis, genes in AXIS_GENES.items() if axis != "NRF2" for g in genes if g not in {f.node for f in FOOTPRINTS}
)


#: how expression is turned into z-scores: against the shipped GDSC reference (default, cohort-independent),
#: within the table's own samples (median and SD per gene), or values already z-scores (used as given)
NORMALISE = ("reference", "cohort", "none")
#: the error when no model gene of a table can be used
NO_USABLE_GENE = (
    "no usable model gene: the model genes of the table have no reference (GDSC did not measure them); "
    "use normalise='cohort' to score them relative to your samples"
)
#: a sample whose median z over the model genes lies this far outside the GDSC lines' range gets a scale warning
FAR_FROM_REFERENCE = 2.0
#: log2 expression rarely exceeds this; larger values suggest a linear scale (counts, TPM)
LOG2_MAX = 30.0
#: prediction interval of an ensemble: these percentiles of the scores across parameter sets
INTERVAL = (5.0, 95.0)


@dataclass
class Personalisation:
    """Per-sample gene levels and what was used or missing."""

    samples: list[str]
    levels: list[dict[str, float]]
    used_expression: list[str]
    missing: list[str]
    used_proteins: list[str] = field(default_factory=list)
    used_mutations: list[str] = field(default_factory=list)
    protein_missing: int = 0  # sample-gene pairs without a protein value (mRNA used)


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)


def _footprint_scores(z: pd.DataFrame, own_sd: bool = False) -> dict[str, pd.Series]:
    """Each footprint's score from per-gene z-scores, divided by its SD across the GDSC lines (reference header
    ``footprint_sd_<node>``) or, with ``own_sd``, across the rows of ``z``; footprints without a score are left
    out."""
    out = {}
    for f in FOOTPRINTS:
        raw = f.raw(z)
        if raw is not None:
            sd = float(raw.std(ddof=0)) if own_sd else expression_reference().number(f"footprint_sd_{f.node}")
            out[f.node] = raw / (sd or 1.0)
    return out


def _cohort_z(x: pd.DataFrame, genes: list[str]) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """z per gene across the table's samples (median-centred, population SD); single samples: centred only.
    Footprint scores are scaled to SD 1 across the samples (none for fewer than 3 samples)."""
    centred = x - x.median(axis=0)
    sd = x.std(axis=0, ddof=0).replace(0, 1.0).fillna(1.0)
    z = centred / sd if len(x) >= 3 else centred  # fewer than 3 samples: values taken as log-scale deviations
    return z[genes], _footprint_scores(z, own_sd=True) if len(x) >= 3 else {}


def _reference_z(
    expression: pd.DataFrame, genes: list[str], fp: list[str]
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """z per gene against the GDSC reference after each sample's own standardisation (see ``reference``);
    footprint scores (of the genes ``fp``) scaled by their SD across the GDSC lines (reference header)."""
    ref = expression_reference()
    both = [*dict.fromkeys([*genes, *fp])]
    raw = expression[both].astype(float)
    big = raw.abs().max(axis=1) > LOG2_MAX
    if big.any():
        _warn(
            f"{int(big.sum())} sample(s) have values above {LOG2_MAX:g} ({', '.join(map(str, raw.index[big][:5]))}): "
            "expression looks linear (counts or TPM); give log2 values, e.g. log2(TPM + 1)"
        )
    xs, done = standardise(expression)
    if not done.all():
        n_anchor = len(anchor_genes())
        _warn(
            f"{int((~done).sum())} of {len(done)} sample(s) have fewer than {MIN_ANCHOR:,} of the reference's "
            f"{n_anchor:,} genes: their values are taken as already on the reference scale (within-sample "
            "z-scores of log2 expression, as the GDSC lines), not standardised"
        )
    zall = (xs[both] - pd.Series(ref.centre)[both]) / pd.Series(ref.scale)[both]
    z = zall[genes]
    lo, hi = ref.numbers("sample_median_z")[:2]
    med = z.median(axis=1)
    far = (med < lo - FAR_FROM_REFERENCE) | (med > hi + FAR_FROM_REFERENCE)
    if far.any():
        _warn(
            f"{int(far.sum())} sample(s) are far from the reference scale (median z over the model genes "
            f"{', '.join(f'{v:.1f}' for v in med[far][:3])}; GDSC lines {lo:.1f} to {hi:.1f}): expected log2 "
            "RMA-like microarray or log2(TPM + 1) values with >= 1,000 genes per sample, or within-sample "
            "z-scores; check the scale, or use normalise='cohort' for a cohort of your own"
        )
    return z, _footprint_scores(zall)


def expression_scores(
    expression: pd.DataFrame, normalise: str = "reference"
) -> tuple[pd.DataFrame, dict[str, pd.Series], list[str]]:
    """z-score per sample of each personalised gene, the footprint scores by node (:data:`FOOTPRINTS`; a node is
    absent when too few of its genes are measured) and the genes absent from the table (or, with
    ``normalise="reference"``, from the reference)."""
    if normalise not in NORMALISE:
        raise FerronetError(f"unknown normalisation '{normalise}'; expected one of: {', '.join(NORMALISE)}")
    usable = set(expression.columns)
    if normalise == "reference":
        no_ref = [g for g in PERSONALISED if g in usable and g not in expression_reference().centre]
        if no_ref:
            _warn(
                f"{len(no_ref)} model gene(s) have no reference (not measured in GDSC) and stay at the default "
                f"level: {', '.join(no_ref)} (normalise='cohort' uses them relative to your samples)"
            )
        usable &= set(expression_reference().centre)
    genes = [g for g in PERSONALISED if g in usable]
    fp = [g for g in dict.fromkeys(g for f in FOOTPRINTS for g in f.genes) if g in usable]
    missing = [g for g in PERSONALISED if g not in expression.columns]
    if normalise == "cohort":
        z, footprints = _cohort_z(expression[[*dict.fromkeys([*genes, *fp])]].astype(float), genes)
    elif normalise == "none":
        values = expression[[*dict.fromkeys([*genes, *fp])]].astype(float)
        z, footprints = values[genes], _footprint_scores(values)
    else:
        z, footprints = _reference_z(expression, genes, fp)
    return z, footprints, missing


def _checked_scores(
    expression: pd.DataFrame, proteins: pd.DataFrame | None, normalise: str
) -> tuple[pd.DataFrame, dict[str, pd.Series], list[str]]:
    """:func:`expression_scores` after the input checks (a model gene present, finite numbers), with the warnings
    on missing genes and missing values (both stay at the default level)."""
    if not set(PERSONALISED) & set(expression.columns) and (
        proteins is None or not set(PERSONALISED) & set(proteins.columns)
    ):
        raise FerronetError(
            "no model gene found in the expression table; expected HGNC symbols such as "
            + ", ".join(PERSONALISED[:8])
            + " (are genes in the columns and samples in the rows?)"
        )
    numeric = expression.select_dtypes("number")
    if numeric.shape[1] < expression.shape[1] or np.isinf(numeric.to_numpy(dtype=float)).any():
        raise FerronetError("expression values must be finite numbers (NaN marks a missing value)")
    z, footprints, missing = expression_scores(expression, normalise)
    if missing:
        _warn(
            f"{len(missing)} of {len(PERSONALISED)} model genes are missing from the expression table and stay at "
            f"the default level: {', '.join(missing)}"
        )
    n_missing = int(z.isna().to_numpy().sum())
    if n_missing:
        _warn(f"expression missing for {n_missing:,} sample-gene pairs; default level used")
    return z, footprints, missing


def model_inputs(
    z: pd.DataFrame, footprints: Mapping[str, pd.Series], proteins: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The inputs the model reads per sample as one table: the z of each personalised gene and each footprint
    score (columns named by node), from :func:`expression_scores`, and, given :func:`protein_inputs`, one
    ``protein:<GENE>`` column per measured protein."""
    parts = [z, pd.DataFrame(dict(footprints), index=z.index)]
    if proteins is not None:
        parts.append(proteins.reindex(z.index))
    return pd.concat(parts, axis=1)


def protein_inputs(proteins: pd.DataFrame | None, samples: pd.Index, normalise: str = "reference") -> pd.DataFrame:
    """Measured protein of each personalised gene with a shipped CCLE reference, in reference SDs:
    ``(log2 abundance - centre) / scale`` (``normalise="reference"``; otherwise the values are taken as already
    centred), 0 (the reference centre) where a sample has no value. Columns ``protein:<GENE>``; empty without
    proteins. The readout reads these beside the gene's mRNA z, so a missing protein leaves the mRNA term."""
    ref = protein_reference()
    genes = [g for g in ref.scale if g in PERSONALISED]
    if proteins is None:
        return pd.DataFrame(index=samples)
    prot = proteins.reindex(index=samples, columns=genes).astype(float)
    if np.isinf(prot.to_numpy()).any():
        raise FerronetError("protein values must be finite numbers (NaN marks a missing value)")
    if normalise == "reference":
        prot = prot - pd.Series(ref.centre)[genes]
    prot = prot / pd.Series(ref.scale)[genes]
    return prot.fillna(0.0).add_prefix(PROTEIN_INPUT)


def personalise(
    expression: pd.DataFrame,
    mutations: pd.DataFrame | None = None,
    proteins: pd.DataFrame | None = None,
    model: Model | None = None,
    normalise: str = "reference",
) -> Personalisation:
    """Relative levels of the model's enzymes and transporters (and mutated nodes) for each sample.

    ``normalise``: ``"reference"`` (default; each sample against the shipped GDSC reference, independent of the
    other samples), ``"cohort"`` (z-scores across the samples of ``expression``) or ``"none"`` (values are
    already z-scores). Protein values (NaN = not measured) override mRNA; missing ones fall back to mRNA.
    """
    m = model or load_model()
    p = {k: v.value for k, v in m.parameters.items()}  # read on every call: a fitter changes the gains
    z, footprints, missing = _checked_scores(expression, proteins, normalise)
    genes = list(z.columns)
    gains = pd.Series({g: p.get(f"gain_{g}", 1.0) for g in genes}, dtype=float)
    lo, hi = p["level_floor"], p["level_cap"]
    table = np.exp(p["beta_expr"] * z * gains).clip(lo, hi).fillna(1.0)  # missing values: default level
    for f in FOOTPRINTS:
        if f.node in footprints:
            table[f.node] = np.exp(p[f.beta] * footprints[f.node]).clip(lo, hi).fillna(1.0)
            genes = [*genes, f"{f.node} (footprint)"]
    used_prot, n_missing = _apply_proteins(table, expression, proteins, p, normalise)
    if not genes and not used_prot:
        raise FerronetError(NO_USABLE_GENE)
    used_mut: list[str] = []
    if mutations is not None:
        mut = mutations.reindex(expression.index).fillna(0)
        in_footprint = NRF2_AXIS_MUTATIONS if "NFE2L2" in footprints else ()
        for g in [c for c in mut.columns if c in MUTATION_GENES and c not in in_footprint]:
            used_mut.append(g)
            hit = mut[g] > 0
            if g not in table.columns:
                table[g] = 1.0
            table.loc[hit, g] = table.loc[hit, g] * p[f"mutation_{g}"]
    records = [{k: float(v) for k, v in row.items()} for _, row in table.iterrows()]
    return Personalisation(list(expression.index), records, genes, missing, used_prot, used_mut, n_missing)


def _apply_proteins(
    table: pd.DataFrame,
    expression: pd.DataFrame,
    proteins: pd.DataFrame | None,
    p: dict[str, float],
    normalise: str,
) -> tuple[list[str], int]:
    """Protein levels over the mRNA ones where measured (in place); the genes used and the missing pair count."""
    if proteins is None:
        return [], 0
    prot = proteins.reindex(expression.index).astype(float)
    genes = [g for g in prot.columns if g in PERSONALISED and prot[g].notna().any()]
    if not genes:
        return [], 0
    ref = protein_reference()
    values = prot[genes]
    if normalise == "reference":
        no_ref = [g for g in genes if g not in ref.centre]
        if no_ref:
            _warn(f"no protein reference for {', '.join(no_ref)}: their values are used as given (relative)")
        values = values - pd.Series({g: ref.centre.get(g, 0.0) for g in genes})
    measured = values.notna()
    n_missing = int((~measured).to_numpy().sum())
    if n_missing:
        no_mrna = sum(int((~measured[g]).sum()) for g in genes if g not in table.columns)
        extra = f" ({no_mrna:,} without mRNA either stay at the default level)" if no_mrna else ""
        _warn(f"protein values missing for {n_missing:,} of {measured.size:,} sample-gene pairs; mRNA used{extra}")
    levels = (2.0 ** (p["beta_prot"] * values)).clip(p["level_floor"], p["level_cap"])
    for g in genes:
        if g not in table.columns:
            table[g] = 1.0
        table.loc[measured[g], g] = levels.loc[measured[g], g]
    return genes, n_missing


def _viability(
    m: Model,
    drug_id: str,
    levels: list[dict[str, float]],
    variants: list[set[str]],
    doses: Sequence[float],
    cell: str | None,
    scheduler: str | None,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean viability over ``doses`` (samples x variants) and whether every dose ran ok, in one batched call."""
    conditions = []
    bases = [Condition.parse(m, [f"{drug_id}@{d:g}uM"], cell) for d in doses]  # parsed once per dose
    for lv in levels:
        for reset in variants:
            kept = tuple(sorted((g, v) for g, v in lv.items() if g not in reset))
            for base in bases:
                conditions.append(Condition(base.cell, base.perturbations, kept))
    # identical conditions (repeated samples, variants that reset nothing) are simulated once
    unique = list(dict.fromkeys(conditions))
    where = {c: i for i, c in enumerate(unique)}
    inv = np.array([where[c] for c in conditions], dtype=np.intp)
    values, unique_status = run_conditions(
        unique, ["ferroptosis"], scheduler, progress, desc=f"predict {drug_id}", model=m
    )
    status = [unique_status[i] for i in inv]
    death = values["ferroptosis"][inv].reshape(len(levels), len(variants), len(doses))
    ok = np.array([s == "ok" for s in status]).reshape(len(levels), len(variants) * len(doses))
    return 1.0 - death.mean(axis=2), np.asarray(ok.all(axis=1))


def _compound_id(m: Model, drug: str) -> str:
    """The compound id of ``drug`` (closest names offered by ``lookup``), or an error if it names something else."""
    kind, drug_id = m.lookup(drug)
    if kind != "compound":
        raise FerronetError(f"'{drug}' is a {kind}, not a compound")
    return str(drug_id)


#: level factor of the up and down simulations that give a node's effect direction (:func:`effect_signs`)
EFFECT_STEP = 1.5
#: a change of the mean viability smaller than this counts as no effect
EFFECT_FLOOR = 1e-4


def effect_signs(
    drug: str, nodes: Sequence[str], model: Model | None = None, cell: str | None = None, n_doses: int = 8
) -> pd.Series:
    """Direction of each node's effect on the drug's score in one cell (default: the generic cell), by simulation:
    +1 when the node at ``EFFECT_STEP`` x its level gives a higher mean viability over the drug's standard doses
    than at 1/``EFFECT_STEP`` (the node protects), -1 when lower (it sensitises), 0 below ``EFFECT_FLOOR``."""
    m = model or load_model()
    drug_id = _compound_id(m, drug)
    names = list(nodes)
    targets = [n.removeprefix(PROTEIN_INPUT) for n in names]  # a protein input acts through its gene's node
    levels = [{n: EFFECT_STEP} for n in targets] + [{n: 1.0 / EFFECT_STEP} for n in targets]
    doses = m.compounds[drug_id].standard_doses(n_doses)
    viability, ok = _viability(m, drug_id, levels, [set()], doses, cell, None, False)
    effect = viability[: len(names), 0] - viability[len(names) :, 0]
    if not ok.all():
        raise FerronetError(f"effect_signs: simulation failed for {drug} in {cell or 'the default cell'}")
    return pd.Series(np.where(np.abs(effect) < EFFECT_FLOOR, 0.0, np.sign(effect)), index=names)


def predict(
    drug: str,
    expression: pd.DataFrame | AnnData,
    mutations: pd.DataFrame | None = None,
    proteins: pd.DataFrame | None = None,
    cell: str | None = None,
    axes: bool = True,
    n_doses: int = 8,
    model: Model | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    normalise: str = "reference",
    ensemble: Sequence[Mapping[str, float]] | str | Path | None = None,
    readout: str = "auto",
) -> pd.DataFrame:
    """Table with ``sample``, ``score`` (predicted mean viability; higher = more resistant), ``readout`` (which
    one gave the score) and, with ``axes``, one column per axis: how much that axis's personalised genes raise the
    score (resistance they explain).

    ``readout``: ``"model"`` simulates the personalised model; ``"signed"`` reads the same inputs (and measured
    proteins) with the shipped mechanism-signed weights of the drug (:mod:`ferronet.profile.readout`; only drugs
    fitted on measured responses have them; no simulation, no ensemble, cell, model or doses); ``"auto"`` (default)
    is ``"signed"`` for a drug with shipped weights when no ``ensemble``, ``cell`` or ``model`` is given (it ranks
    held-out lines better: ``docs/calibration.md``), else ``"model"`` (erastin and every other drug: the prediction
    from mechanism alone). The signed readout's ``score_lo``/``score_hi`` are the :data:`INTERVAL` percentiles of
    its score across the shipped bootstrap refits of its weights (the weights' uncertainty).

    ``ensemble``: parameter sets (a list of ``{name: value}`` or a YAML file, see
    :func:`ferronet.profile.ensemble.load_ensemble`). Each set is simulated as ``model.with_parameters(set)``
    (personalisation included: its gains apply); ``score`` stays the nominal model's, ``score_lo`` and
    ``score_hi`` are the 5th and 95th percentiles across the sets that ran, ``n_sets`` how many did. When the
    file is a ``ferronet fit`` parameter set, its estimate (``parameters``) is the nominal model, so the score
    and its interval come from the same fit.
    """
    from ferronet.profile.ensemble import as_parameter_sets

    m = model or load_model()
    drug_id = _compound_id(m, drug)
    if readout not in READOUTS:
        raise FerronetError(f"unknown readout '{readout}'; expected one of: {', '.join(READOUTS)}")
    if readout == "auto":  # what only the simulation can honour (a cell, a model, an ensemble) keeps it
        simulate_only = ensemble is not None or cell is not None or model is not None
        readout = "signed" if not simulate_only and drug_id in shipped_readouts() else "model"
    if readout == "signed":
        if ensemble is not None:
            raise FerronetError("an ensemble gives intervals of the simulated score: use it with readout 'model'")
        r = readout_for(drug_id)
        _warn_unread(r, mutations, proteins)
        return _signed_readout(r, as_expression_frame(expression), proteins, normalise, axes)
    sets = as_parameter_sets(ensemble, m) if ensemble is not None else None
    if isinstance(ensemble, str | Path):
        m = _with_fit_estimate(m, Path(ensemble))
    expression = as_expression_frame(expression)  # AnnData objects: symbols from var_names (Ensembl ids mapped)
    prof = personalise(expression, mutations, proteins, m, normalise)
    doses = m.compounds[drug_id].standard_doses(n_doses)
    names = ["all", *(AXIS_GENES if axes else ())]
    variants = [set(AXIS_GENES.get(a, ())) if a != "all" else set() for a in names]
    viability, ok = _viability(m, drug_id, prof.levels, variants, doses, cell, scheduler, progress)
    out = pd.DataFrame({"sample": prof.samples, "score": viability[:, 0]})
    if sets is not None:
        lo, hi, n = _interval(sets, m, drug_id, expression, mutations, proteins, normalise, doses, cell, scheduler)
        out["score_lo"], out["score_hi"], out["n_sets"] = lo, hi, n
    for k, name in enumerate(names[1:], start=1):
        out[f"axis_{name}"] = viability[:, 0] - viability[:, k]
    out["readout"] = "model"
    out["status"] = np.where(ok, "ok", "failed")
    return out


def _warn_unread(r: SignedReadout, mutations: pd.DataFrame | None, proteins: pd.DataFrame | None) -> None:
    """Name what the signed readout leaves out: mutations, and proteins it has no weight for."""
    if mutations is not None:
        mutated = [str(g) for g in mutations.columns if (mutations[g].fillna(0).to_numpy() != 0).any()]
        if mutated:
            _warn(
                f"the signed readout does not read mutations ({', '.join(mutated[:8])} ignored; KEAP1/CUL3/NFE2L2 "
                "act through the NRF2-target footprint it reads); use readout='model' to simulate them"
            )
    if proteins is not None:
        read = r.protein_genes
        unread = [str(g) for g in proteins.columns if g in PERSONALISED and g not in read]
        if unread:
            _warn(
                f"the signed readout reads the proteins {', '.join(sorted(read))} only; {', '.join(unread[:8])} "
                "ignored (readout='model' uses them)"
            )


def _signed_readout(
    r: SignedReadout, expression: pd.DataFrame, proteins: pd.DataFrame | None, normalise: str, axes: bool
) -> pd.DataFrame:
    """``predict`` with the mechanism-signed readout: the inputs of :func:`personalise`, read linearly."""
    z, footprints, _ = _checked_scores(expression, proteins, normalise)  # the checks and warnings of personalise
    if z.empty and not footprints:
        raise FerronetError(NO_USABLE_GENE)
    prot = protein_inputs(proteins, z.index, normalise)
    wanted = [] if proteins is None else [g for g in r.protein_genes if g in proteins and proteins[g].notna().any()]
    if proteins is not None and wanted:  # counted as personalise counts them: over the proteins with a value
        measured = proteins.reindex(index=z.index, columns=wanted)
        n_missing = int(measured.isna().to_numpy().sum())
        if n_missing:
            _warn(
                f"protein values missing for {n_missing:,} of {measured.size:,} sample-gene pairs; mRNA used (the "
                "readout's protein term is 0 there)"
            )
    x = model_inputs(z, footprints, prot)
    parts = r.contributions(x)
    out = pd.DataFrame({"sample": list(expression.index), "score": (r.intercept + parts.sum(axis=1)).to_numpy()})
    if r.draws:  # the weights' uncertainty: percentiles across the shipped bootstrap refits
        out["score_lo"], out["score_hi"] = r.interval(x, INTERVAL)
        out["n_sets"] = len(r.draws)
    if axes:
        for name, genes in AXIS_GENES.items():
            cols = [c for c in parts.columns if c.removeprefix(PROTEIN_INPUT) in genes]
            out[f"axis_{name}"] = parts[cols].sum(axis=1).to_numpy()
    out["readout"] = "signed"
    out["status"] = "ok"
    return out


def _interval(
    sets: list[dict[str, float]],
    m: Model,
    drug_id: str,
    expression: pd.DataFrame,
    mutations: pd.DataFrame | None,
    proteins: pd.DataFrame | None,
    normalise: str,
    doses: Sequence[float],
    cell: str | None,
    scheduler: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentiles :data:`INTERVAL` of each sample's score across parameter sets; one batched run per set."""
    scores = np.full((len(sets), len(expression)), np.nan)
    for k, values in enumerate(sets):
        mk = m.with_parameters(values, f"ensemble parameter set {k + 1} of {len(sets)}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the nominal run has already said what is missing
            prof = personalise(expression, mutations, proteins, mk, normalise)
        v, ok = _viability(mk, drug_id, prof.levels, [set()], doses, cell, scheduler, False)
        scores[k] = np.where(ok, v[:, 0], np.nan)
    n = np.isfinite(scores).sum(axis=0)
    lo = np.full(len(expression), np.nan)
    hi = lo.copy()
    for j in np.flatnonzero(n):
        col = scores[np.isfinite(scores[:, j]), j]
        lo[j], hi[j] = np.percentile(col, INTERVAL)
    return lo, hi, n


def _with_fit_estimate(m: Model, path: Path) -> Model:
    """``m`` with the MAP values of a ``ferronet fit`` file (unchanged for a plain ensemble file)."""
    import yaml

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    est = doc.get("parameters") if isinstance(doc, dict) else None
    if not isinstance(est, dict):
        return m
    values = {k: float(e["value"] if isinstance(e, dict) else e) for k, e in est.items()}
    return m.with_parameters(values, f"estimate of {doc.get('fit_id', path.name)}")


def samples_from(frames: Sequence[pd.DataFrame | None]) -> list[str]:
    return [str(s) for f in frames if f is not None for s in f.index]
