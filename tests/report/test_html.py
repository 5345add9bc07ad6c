"""The HTML report links every cited reference to its paper."""

from __future__ import annotations

import re

from click.testing import CliRunner

from ferronet.cli.main import cli


def test_report_references_are_links(tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["report", "--therapy", "sorafenib", "--cancer", "HCC", "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text()
    items = re.findall(r"<li>\[([^\]]+)\] <a href=\"([^\"]+)\">([^<]+)</a></li>", page)
    assert len(items) >= 5
    for _ids, url, text in items:
        assert url.startswith(("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/", "https://pmc.ncbi.nlm.nih.gov/"))
        assert re.search(r"\b(19|20)\d\d\b", text), text
    assert any("pubmed.ncbi.nlm.nih.gov/26403645/" in url for _, url, _ in items)  # Sun 2016, p62-KEAP1-NRF2 HCC
