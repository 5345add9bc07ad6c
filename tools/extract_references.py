"""Regenerate ``src/ferronet/data/kb/references.tsv`` from the seeds' reference lists.

Usage: ``python tools/extract_references.py ../shared/seeds``. Seed 002's list is unnumbered; its entries
are numbered by position, which matches the seed's in-text citation numbers. PMIDs are attached only for a
short list of landmark papers whose identifiers were checked by hand (first author, year, journal).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/ferronet/data/kb/references.tsv"

#: (first author surname, year, journal word) -> PMID, checked by hand.
KNOWN_PMIDS = {
    ("Dixon", "2012", "Cell"): "22632970",
    ("Yang", "2014", "Cell"): "24439385",
    ("Sun", "2016", "Hepatology"): "26403645",
    ("Doll", "2019", "Nature"): "31634900",
    ("Bersuker", "2019", "Nature"): "31634899",
    ("Doll", "2017", "Nat Chem Biol"): "27842070",
    ("Kagan", "2017", "Nat Chem Biol"): "27842066",
    ("Jiang", "2015", "Nature"): "25799988",
    ("Mao", "2021", "Nature"): "33981038",
    ("Yagoda", "2007", "Nature"): "17568748",
    ("Yang", "2008", "Chem Biol"): "18355723",
    ("Mancias", "2014", "Nature"): "24695223",
    ("Wang", "2019", "Nature"): "31043744",
    ("Viswanathan", "2017", "Nature"): "28678784",
    ("Hangauer", "2017", "Nature"): "29088702",
    ("Friedmann Angeli", "2014", "Nat Cell Biol"): "25402683",
    ("Dixon", "2014", "Elife"): "24844246",
    ("Stockwell", "2017", "Cell"): "28985560",
}

NUMBERED = re.compile(r"^\s*(\d+)\.\s+(.*\S)\s*$")
BULLET = re.compile(r"^\s*-\s+(.*\S)\s*$")
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def _entries(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if line.strip().upper() == "REFERENCES")
    out: list[tuple[int, str]] = []
    for line in lines[start + 1 :]:
        if line.startswith(("Publisher", "Ready to submit")):
            break
        if m := NUMBERED.match(line):
            out.append((int(m.group(1)), m.group(2)))
        elif m := BULLET.match(line):
            out.append((out[-1][0] + 1 if out else 1, m.group(1)))
    return out


def _pmid(citation: str, year: str) -> str:
    for (author, y, journal), pmid in KNOWN_PMIDS.items():
        if y == year and citation.startswith(author) and journal.lower() in citation.lower():
            return pmid
    return ""


def main(seed_dir: str) -> None:
    rows = ["ref_id\tseed\tnumber\tcitation\tyear\tpmid\tdoi"]
    for path in sorted(Path(seed_dir).glob("*.txt")):
        seed = path.name.split("_")[0]
        rows.append(f"{seed}:0\t{path.name}\t0\tThe review itself ({path.stem})\t\t\t")
        for number, text in _entries(path):
            citation = text.replace("*", "").replace("\t", " ")
            ym = YEAR.findall(citation)
            year = ym[-1] if ym else ""
            rows.append(f"{seed}:{number}\t{path.name}\t{number}\t{citation}\t{year}\t{_pmid(citation, year)}\t")
    OUT.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows) - 1} references to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/seeds")
