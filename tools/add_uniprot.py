"""Write ``src/ferronet/data/uniprot_genes.tsv`` (hgnc_id, symbol, UniProt accession) from the FerrDb V2 tables.

Usage: ``python tools/add_uniprot.py ../shared/data/external/ferrdb_v2``.

A gene gets an accession when its FerrDb rows give a well-formed UniProtKB accession (UniProt's own pattern) for
one HGNC id in at least two thirds of the rows that give one (FerrDb rows sometimes carry another protein's
accession); otherwise none (never guessed). Used for the MIRIAM annotations of the SBML export. FerrDb V2: Zhou N
et al. Nucleic Acids Res 2023;51:D571-D582 (PMID 36305826).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/ferronet/data/uniprot_genes.tsv"
REGULATORS = ("driver", "suppressor", "marker", "unclassified.reg")
#: UniProtKB accession format (uniprot.org help page "accession_numbers")
ACCESSION = re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})$")


def main(folder: str) -> None:
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    symbols: dict[str, Counter[str]] = defaultdict(Counter)
    for name in REGULATORS:
        with open(Path(folder) / f"{name}.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                hgnc, acc = row["HGNC_ID"].strip(), row["UniProtAC"].strip()
                symbol = (row.get("Symbol") or row.get("Symbol_or_reported_abbr") or "").strip()
                if re.fullmatch(r"HGNC:\d+", hgnc) and ACCESSION.match(acc):
                    votes[hgnc][acc] += 1
                    symbols[hgnc][symbol] += 1
    rows = []
    for hgnc, c in votes.items():
        acc, n = c.most_common(1)[0]
        if n * 3 >= 2 * sum(c.values()):
            rows.append((hgnc, symbols[hgnc].most_common(1)[0][0], acc))
    rows.sort(key=lambda r: int(r[0].split(":")[1]))
    head = "# hgnc_id, approved symbol and UniProtKB accession of the human genes in FerrDb V2 (tools/add_uniprot.py)\n"
    OUT.write_text(head + "hgnc_id\tsymbol\tuniprot\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} genes to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared/data/external/ferrdb_v2"))
