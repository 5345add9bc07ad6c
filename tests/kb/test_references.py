"""References a reader can follow: well-formed links, merged duplicates, author-year-journal text."""

from __future__ import annotations

import re
import shutil
from urllib.parse import parse_qs, urlparse

import pytest

from ferronet.errors import ValidationError
from ferronet.kb import format_reference, reference_url, short_citation
from ferronet.kb.base import build
from ferronet.kb.loader import default_dir
from ferronet.kb.objects import Reference

PUBMED_RECORD = re.compile(r"^https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/$")
DOI_LINK = re.compile(r"^https://doi\.org/10\.\d{4,9}/\S+$")
PMC_LINK = re.compile(r"^https://pmc\.ncbi\.nlm\.nih\.gov/articles/PMC\d+/$")


def test_every_reference_has_a_well_formed_link(kb):
    for ref in kb.papers:
        url = reference_url(ref)
        if ref.pmid:
            assert PUBMED_RECORD.match(url) and ref.pmid in url, (ref.id, url)
        elif ref.doi:
            assert DOI_LINK.match(url), (ref.id, url)
        elif ref.pmcid:
            assert PMC_LINK.match(url), (ref.id, url)
        else:
            parsed = urlparse(url)
            assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "pubmed.ncbi.nlm.nih.gov", "/")
            term = parse_qs(parsed.query)["term"][0]
            assert ref.title and ref.title in term, ref.id


def test_titles_are_parsed_and_unique(kb):
    titles = [re.sub(r"[^a-z0-9]", "", r.title.lower()) for r in kb.papers]
    assert all(titles), [r.id for r in kb.papers if not r.title]
    dups = {t for t in titles if titles.count(t) > 1}
    assert not dups


def test_duplicates_merged_and_old_ids_still_resolve(kb):
    dixon = kb.references["000:9"]
    assert kb.references["002:4"] is dixon and kb.references["004:1"] is dixon
    assert set(dixon.aliases) == {"002:4", "004:1"}
    assert len(kb.papers) < len(kb.references)
    assert [r.id for r in kb.cited(["004:1", "002:4", "000:9"])] == ["000:9"]


def test_author_year_journal_text():
    ref = Reference(
        "x:1",
        "",
        "1",
        "full",
        "1999",
        "9887101",
        authors="Itoh K, Wakabayashi N, et al",
        title="T",
        journal="Genes Dev",
    )
    assert short_citation(ref) == "Itoh K et al. 1999. Genes Dev"
    assert format_reference(ref) == ("Itoh K et al. 1999. Genes Dev. T", "https://pubmed.ncbi.nlm.nih.gov/9887101/")
    two = Reference("x:2", "", "2", "full", "2024", authors="Tang D, Kang R", title="T", journal="J")
    assert short_citation(two) == "Tang D & Kang R 2024. J"
    unparsed = Reference("x:3", "", "3", "Some free text 2001")
    assert short_citation(unparsed) == "Some free text 2001"
    assert "term=Some+free+text+2001" in reference_url(unparsed)


def test_link_priority_pmid_then_doi_then_pmc():
    base = {"id": "x", "seed": "", "number": "", "citation": "c"}
    assert reference_url(Reference(**base, pmid="1", doi="10.1/a")) == "https://pubmed.ncbi.nlm.nih.gov/1/"
    assert reference_url(Reference(**base, doi="10.1186/s12943-022-01530-y")).endswith("s12943-022-01530-y")
    assert reference_url(Reference(**base, pmcid="PMC8113041")) == "https://pmc.ncbi.nlm.nih.gov/articles/PMC8113041/"


def test_seeds_have_readable_citations(kb):
    for seed in ("000", "002", "004"):
        ref = kb.references[f"{seed}:0"]
        assert "review itself" not in ref.citation and ref.authors and ref.journal and ref.doi, seed


def test_external_ids_become_references(kb):
    (ref,) = kb.cited(["PMID:31989025"])
    assert reference_url(ref) == "https://pubmed.ncbi.nlm.nih.gov/31989025/"
    assert kb.cited(["nonsense"]) == []


def test_identifiers_verified_and_noted(kb):
    for ref in kb.papers:
        if ref.pmid or ref.doi or ref.pmcid:
            assert ref.verified_by, ref.id


def test_malformed_identifiers_and_clashing_aliases_rejected(tmp_path):
    target = tmp_path / "kb"
    shutil.copytree(default_dir(), target)
    path = target / "references.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    row = dict.fromkeys(header, "")
    row |= {"ref_id": "004:9001", "citation": "x", "pmid": "12a", "doi": "doi:10.1/x", "aliases": "000:9"}
    lines.append("\t".join(row[h] for h in header))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        build(target)
    text = str(err.value)
    assert f"references.tsv:{len(lines)}" in text
    assert "PMID '12a'" in text and "DOI 'doi:10.1/x'" in text and "'000:9' also names" in text


def test_genes_and_compounds_carry_database_ids(kb):
    genes = [e for e in kb.entities.values() if e.kind == "gene" and e.attrs.get("gene_kind") == "gene"]
    with_hgnc = [e for e in genes if e.attrs.get("hgnc_id")]
    assert len(with_hgnc) >= 0.6 * len(genes)
    assert kb.entities["GPX4"].attrs["hgnc_id"] == "HGNC:4556"  # FerrDb V2 suppressor.csv
    assert kb.entities["NFE2L2"].attrs["ensembl_id"] == "ENSG00000116044"
    assert kb.entities["erastin"].attrs["pubchem_cid"] == "11214940"  # FerrDb V2 inducer.csv
    assert all(not e.attrs.get("hgnc_id") for e in kb.entities.values() if e.attrs.get("gene_kind") == "complex")
