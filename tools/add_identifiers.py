"""Add database identifiers to the knowledge base from the FerrDb V2 tables (``../shared/data/external/ferrdb_v2``).

Usage: ``python tools/add_identifiers.py ../shared/data/external/ferrdb_v2``.

* ``genes.tsv``: ``hgnc_id`` and ``ensembl_id`` for genes (kind ``gene``) whose symbol FerrDb lists with exactly
  one HGNC id; left blank otherwise (never guessed).
* ``compounds.tsv``: ``pubchem_cid`` when the compound's id, name or an alias is a FerrDb inducer/inhibitor
  ``Molecule``/``Name`` and one CID is given for it in at least two thirds of those rows (FerrDb rows
  sometimes carry the CID of a related molecule).
* ``src/ferronet/data/hgnc_genes.tsv``: hgnc_id, symbol, ensembl_id of every human gene FerrDb V2 lists (the
  symbol <-> Ensembl map used to read ``.h5ad`` files indexed by Ensembl ids). HGNC data are CC0; FerrDb V2
  (Zhou N et al. Nucleic Acids Res 2023;51:D571-D582, PMID 36305826) carries them.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KB = ROOT / "src/ferronet/data/kb"
HGNC_TABLE = ROOT / "src/ferronet/data/hgnc_genes.tsv"
REGULATORS = ("driver", "suppressor", "marker", "unclassified.reg")
ENSG = re.compile(r"^ENSG\d{11}$")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _genes(ferrdb: Path) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for table in REGULATORS:
        with (ferrdb / f"{table}.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                symbol = r.get("Symbol") or r.get("Symbol_or_reported_abbr") or ""
                if r["HGNC_ID"].startswith("HGNC:") and symbol:
                    out[symbol].add((r["HGNC_ID"], r["ENSG_stable"] if ENSG.match(r["ENSG_stable"]) else ""))
    return out


def _cids(ferrdb: Path) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for table in ("inducer", "inhibitor"):
        with (ferrdb / f"{table}.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["PubChem_CID"].isdigit():
                    for key in {_norm(r["Molecule"]), _norm(r["Name"])}:
                        out[key][r["PubChem_CID"]] += 1
    return out


def _rewrite(path: Path, columns: list[str], fill) -> int:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    base = [c for c in header if c not in columns]
    out, filled = ["\t".join(base + columns)], 0
    for line in lines[1:]:
        if not line.strip() or line.startswith("#"):
            out.append(line)
            continue
        row = dict(zip(header, line.split("\t"), strict=True))
        values = fill(row)
        filled += bool(values[0])
        out.append("\t".join([row[c] for c in base] + values))
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(out) + "\n", encoding="utf-8")
    tmp.replace(path)
    return filled


def main(ferrdb_dir: str) -> None:
    ferrdb = Path(ferrdb_dir)
    genes = _genes(ferrdb)

    def gene_ids(row: dict[str, str]) -> list[str]:
        ids = genes.get(row["id"], set())
        if row["kind"] != "gene" or len({h for h, _ in ids}) != 1:
            return ["", ""]
        ens = sorted({e for _, e in ids if e})
        return [next(iter(ids))[0], ens[0] if len(ens) == 1 else ""]

    cids = _cids(ferrdb)

    def compound_ids(row: dict[str, str]) -> list[str]:
        counts: Counter[str] = Counter()
        for name in {_norm(n) for n in (row["id"], row["name"], *row["aliases"].split(";")) if n}:
            counts.update(cids.get(name, Counter()))
        if not counts:
            return [""]
        cid, n = counts.most_common(1)[0]
        return [cid if n * 3 >= 2 * sum(counts.values()) else ""]

    g = _rewrite(KB / "genes.tsv", ["hgnc_id", "ensembl_id"], gene_ids)
    c = _rewrite(KB / "compounds.tsv", ["pubchem_cid"], compound_ids)
    rows = sorted((h, s, e) for s, ids in genes.items() if len({x for x, _ in ids}) == 1 for h, e in [sorted(ids)[-1]])
    text = "# hgnc_id, approved symbol and Ensembl gene id of the human genes in FerrDb V2 (HGNC data, CC0)\n"
    text += "hgnc_id\tsymbol\tensembl_id\n" + "".join(f"{h}\t{s}\t{e}\n" for h, s, e in rows)
    tmp = HGNC_TABLE.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(HGNC_TABLE)
    print(f"genes with HGNC id: {g}; compounds with PubChem CID: {c}; HGNC table rows: {len(rows)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/external/ferrdb_v2")
