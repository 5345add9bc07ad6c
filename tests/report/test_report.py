"""The HTML report: self-contained, every score part in the legend, references linked, focused network."""

from __future__ import annotations

from click.testing import CliRunner

from ferronet.cli.main import cli
from ferronet.report.html import ref_link
from ferronet.report.network import axis_layout, focused_graph, model_graph
from ferronet.screen.recommend.format import SCORE_PARTS


def test_report_is_self_contained_with_full_legend(tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["report", "--therapy", "sorafenib", "--cancer", "HCC", "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text()
    assert "<svg" in page and "data:image/png;base64" in page
    assert "Ranked moves" in page and "knowledge base" in page
    assert "http://" not in page.split("<svg")[0] and "<script src" not in page
    legend = page[page.index("<dl>") : page.index("</dl>")]
    for name, _ in SCORE_PARTS:
        assert f"<dt>{name}</dt>" in legend
    assert "with and without the top move" in page
    assert not list(tmp_path.glob(".report-*"))  # written atomically, no temporary left


def test_reference_links(kb):
    with_id = next(r for r in kb.references.values() if r.pmid or r.doi)
    assert "<a href=" in ref_link(kb, with_id.id)
    assert ref_link(kb, "999:999") == "999:999"


def test_network_keeps_only_paths_that_matter(kb, model):
    g = model_graph(kb, model)
    f = focused_graph(g, ["SQSTM1", "GPX4"])
    assert "ferroptosis" in f and {"SQSTM1", "GPX4"} <= set(f.nodes)
    assert len(f) < len(g) / 2
    pos = axis_layout(f)
    assert pos["ferroptosis"][0] == max(x for x, _ in pos.values())
    same_axis = [n for n in f if f.nodes[n]["axis"] == f.nodes["GPX4"]["axis"]]
    assert len({pos[n][0] for n in same_axis}) == 1
