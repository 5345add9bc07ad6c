"""Readable citations and links for references: author-year-journal text and one URL per paper.

The URL is the paper's PubMed record (PMID), else its DOI, else its PubMed Central page (PMCID), else a
PubMed title search, so every reference can be followed.
"""

from __future__ import annotations

from urllib.parse import quote, quote_plus

from ferronet.kb.objects import Reference

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
DOI_ORG = "https://doi.org/"
PMC = "https://pmc.ncbi.nlm.nih.gov/articles/"


def external_reference(ref_id: str) -> Reference | None:
    """A reference for an id outside the seeds (``PMID:22632970``, ``DOI:10.1016/...``), else None."""
    kind, _, value = ref_id.partition(":")
    if kind == "PMID" and value.isdigit():
        return Reference(ref_id, "", "", f"PMID {value}", pmid=value)
    if kind == "DOI" and value.startswith("10."):
        return Reference(ref_id, "", "", f"DOI {value}", doi=value)
    return None


def _who(authors: str) -> str:
    names = [a.strip() for a in authors.replace(", et al", "").split(",") if a.strip() and a.strip() != "et al"]
    if not names:
        return ""
    if len(names) > 2 or "et al" in authors:
        return f"{names[0]} et al."
    return " & ".join(names)


def short_citation(ref: Reference) -> str:
    """Author-year-journal text, e.g. ``Itoh K et al. 1999. Genes Dev``; the full citation if unparsed."""
    who = _who(ref.authors)
    if not (who and ref.journal):
        return ref.citation
    return f"{who} {ref.year}. {ref.journal}" if ref.year else f"{who}. {ref.journal}"


def reference_url(ref: Reference) -> str:
    """The link a reader follows: PubMed record, DOI, PMC page, or a PubMed search for the title."""
    if ref.pmid:
        return f"{PUBMED}{ref.pmid}/"
    if ref.doi:
        return DOI_ORG + quote(ref.doi, safe="/:;()._-<>")
    if ref.pmcid:
        return f"{PMC}{ref.pmcid}/"
    query = f'"{ref.title}"[Title]' if ref.title else ref.citation
    return f"{PUBMED}?term={quote_plus(query)}"


def format_reference(ref: Reference) -> tuple[str, str]:
    """``(text, url)``: author-year-journal text with the title, and the URL from :func:`reference_url`."""
    short = short_citation(ref)
    text = f"{short}. {ref.title}" if ref.title and short != ref.citation else short
    return text, reference_url(ref)
