"""Regenerate ``src/ferronet/data/kb/references.tsv`` from the seeds' reference lists.

Usage: ``python tools/extract_references.py ../shared/seeds``.

* Seed 002's list is unnumbered; its entries are numbered by position, which matches the seed's in-text
  citation numbers.
* Each citation is split into authors, title, journal and year. One paper listed by several seeds (same
  normalised title) becomes one row: the first id (seed order) is canonical, the others go to ``aliases`` so
  that existing refs such as ``000:9`` still resolve.
* Identifiers come only from verified records: ``tools/reference_ids.tsv`` (each looked up with the project's
  search tool, with a ``verified_by`` note) and the short hand-checked ``KNOWN_PMIDS`` list below.
* Each seed itself (``000:0`` ...) gets its readable citation from the seed's own "Cite this article" text.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ferronet.kb.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/ferronet/data/kb/references.tsv"
IDS = ROOT / "tools/reference_ids.tsv"
COLUMNS = TABLES["references"].columns  # the schema the loader checks

#: title start (lower case) -> PMID, checked by hand before this tool used the search tool (one title each,
#: so that two papers of one first author, year and journal cannot share a PMID).
KNOWN_PMIDS = {
    "ferroptosis: an iron-dependent form": "22632970",
    "regulation of ferroptotic cancer cell death by gpx4": "24439385",
    "activation of the p62-keap1-nrf2 pathway": "26403645",
    "fsp1 is a glutathione-independent": "31634900",
    "the coq oxidoreductase fsp1": "31634899",
    "acsl4 dictates ferroptosis sensitivity": "27842070",
    "oxidized arachidonic and adrenic pes": "27842066",
    "ferroptosis as a p53-mediated activity": "25799988",
    "dhodh-mediated ferroptosis defence": "33981038",
    "ras-raf-mek-dependent oxidative cell death": "17568748",
    "synthetic lethal screening identifies compounds": "18355723",
    "cd8(+) t cells regulate tumour ferroptosis": "31043744",
    "cd8+ t cells regulate tumour ferroptosis": "31043744",
    "dependency of a therapy-resistant state": "28678784",
    "drug-tolerant persister cancer cells": "29088702",
    "inactivation of the ferroptosis regulator gpx4": "25402683",
    "ferroptosis: a regulated cell death nexus": "28985560",
}

#: The seeds themselves, from each seed's "Cite This Article" / title block (DOI printed in the seed, or for
#: 002 the publisher URL found with the search tool).
SEEDS = {
    "000": (
        "Tang D, Kang R. NFE2L2 and ferroptosis resistance in cancer therapy. Cancer Drug Resist 2024;7:41.",
        "Tang D, Kang R",
        "NFE2L2 and ferroptosis resistance in cancer therapy",
        "Cancer Drug Resist",
        "2024",
        "10.20517/cdr.2024.123",
        "DOI printed in the seed (Cite This Article)",
    ),
    "002": (
        "Zhang C, Liu X, Jin S, Chen Y, Guo R. Ferroptosis in cancer therapy: a novel approach to reversing drug "
        "resistance. Mol Cancer 2022.",
        "Zhang C, Liu X, Jin S, Chen Y, Guo R",
        "Ferroptosis in cancer therapy: a novel approach to reversing drug resistance",
        "Mol Cancer",
        "2022",
        "10.1186/s12943-022-01530-y",
        "authors from the seed; search pages: molecular-cancer.biomedcentral.com/articles/10.1186/s12943-022-01530-y",
    ),
    "004": (
        "Yang Y, Yu S, Liu W, Zhuo Y, Qu C, Zeng Y. Ferroptosis-related signaling pathways in cancer drug "
        "resistance. Cancer Drug Resist 2025;8:1.",
        "Yang Y, Yu S, Liu W, Zhuo Y, Qu C, Zeng Y",
        "Ferroptosis-related signaling pathways in cancer drug resistance",
        "Cancer Drug Resist",
        "2025",
        "10.20517/cdr.2024.151",
        "DOI printed in the seed (How to Cite)",
    ),
}

#: citations the parser cannot split (garbled author list in the seed): ref id -> (authors, title, journal, year)
OVERRIDES = {
    "002:16": (
        "Ursini F, Maiorino M, Valente M, Ferri L, Gregolin C",
        "Purification from pig liver of a protein which protects liposomes and biomembranes from peroxidative "
        "degradation and exhibits glutathione peroxidase activity on phosphatidylcholine hydroperoxides",
        "Biochim Biophys Acta",
        "1982",
    ),
}

NUMBERED = re.compile(r"^\s*(\d+)\.\s+(.*\S)\s*$")
BULLET = re.compile(r"^\s*-\s+(.*\S)\s*$")
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
#: authors end with "et al." or with initials ("Zhang DD."), then the title up to ". " before the journal
AUTHORS = re.compile(r"^(?P<authors>.+?(?:et al\.|\b[A-Z][A-Za-z]{0,3}\.))\s+(?P<rest>.+)$")
#: journal (no period inside except abbreviations' end) + year at the start of the source part
SOURCE = re.compile(r"(?P<title>.+?[.?!])\s+(?P<journal>[^.?!]+?)\.?\s+(?P<year>(?:19|20)\d\d)\b(?P<tail>.*)$")


@dataclass
class Ref:
    ref_id: str
    seed: str
    number: int
    citation: str
    authors: str = ""
    title: str = ""
    journal: str = ""
    year: str = ""
    pmid: str = ""
    doi: str = ""
    pmcid: str = ""
    aliases: list[str] = field(default_factory=list)
    verified_by: str = ""

    def row(self) -> str:
        values = [getattr(self, c) for c in COLUMNS]
        values[COLUMNS.index("number")] = str(self.number)
        values[COLUMNS.index("aliases")] = ";".join(self.aliases)
        return "\t".join(str(v).replace("\t", " ") for v in values)


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


def split_citation(citation: str) -> tuple[str, str, str, str]:
    """(authors, title, journal, year) of a Vancouver-style citation; empty strings where it does not parse."""
    ym = YEAR.findall(citation)
    year = ym[-1] if ym else ""
    m = AUTHORS.match(citation)
    if not m:
        return "", "", "", year
    s = SOURCE.match(m.group("rest"))
    if not s:
        return m.group("authors").rstrip("."), "", "", year
    return m.group("authors").rstrip("."), s.group("title").rstrip("."), s.group("journal").strip(), s.group("year")


def title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", title.lower())


def _pmid(title: str) -> str:
    low = title.lower()
    return next((pmid for start, pmid in KNOWN_PMIDS.items() if low.startswith(start)), "")


def _verified(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells, strict=True))
        old = out.setdefault(row["ref_id"], dict.fromkeys(header, ""))
        for key, value in row.items():  # several rows for one paper add up (one identifier each, say)
            if key == "verified_by":
                old[key] = "; ".join(x for x in (old[key], value) if x)
            elif value:
                old[key] = value
    return out


def build(seed_dir: Path) -> list[Ref]:
    refs: list[Ref] = []
    by_title: dict[str, Ref] = {}
    for path in sorted(seed_dir.glob("*.txt")):
        seed = path.name.split("_")[0]
        cit, authors, title, journal, year, doi, how = SEEDS[seed]
        refs.append(Ref(f"{seed}:0", path.name, 0, cit, authors, title, journal, year, doi=doi, verified_by=how))
        for number, text in _entries(path):
            citation = text.replace("*", "").replace("\t", " ")
            ref_id = f"{seed}:{number}"
            authors, title, journal, year = OVERRIDES.get(ref_id) or split_citation(citation)
            key = title_key(title) if len(title) > 20 else ""
            if key and key in by_title:
                by_title[key].aliases.append(ref_id)
                continue
            ref = Ref(ref_id, path.name, number, citation, authors, title, journal, year)
            if pmid := _pmid(title):
                ref.pmid, ref.verified_by = pmid, "hand-checked list (KNOWN_PMIDS in tools/extract_references.py)"
            refs.append(ref)
            if key:
                by_title[key] = ref
    by_id = {r.ref_id: r for r in refs} | {a: r for r in refs for a in r.aliases}
    for rid, v in _verified(IDS).items():
        ref = by_id[rid]
        ref.pmid = v["pmid"] or ref.pmid
        ref.doi = v["doi"] or ref.doi
        ref.pmcid = v["pmcid"] or ref.pmcid
        ref.verified_by = "; ".join(x for x in (ref.verified_by, v["verified_by"]) if x)
    return refs


def main(seed_dir: str) -> None:
    refs = build(Path(seed_dir))
    text = "\t".join(COLUMNS) + "\n" + "".join(r.row() + "\n" for r in refs)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(OUT)
    linked = sum(1 for r in refs if r.pmid or r.doi)
    print(f"wrote {len(refs)} references ({sum(len(r.aliases) for r in refs)} aliases) to {OUT}")
    print(f"with PMID or DOI: {linked}/{len(refs)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/seeds")
