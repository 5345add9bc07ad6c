"""Coverage of the knowledge base against the seeds' own tables."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from ferronet.cli.main import cli

NRF2_TABLE_SYMBOLS = [
    "NQO1",
    "HMOX1",
    "FTH1",
    "FTL",
    "HERC2",
    "SLC40A1",
    "ABCB6",
    "FECH",
    "PIR",
    "MT1G",
    "SLC7A11",
    "GCL",
    "GSS",
    "GSR",
    "GPX4",
    "AIFM2",
    "MGST1",
    "ALDH1A1",
    "ALDH3A1",
    "G6PD",
]


def _refs(text: str, seed: str) -> set[str]:
    out = set()
    for part in re.findall(r"\[([0-9,\s\-–]+)\]", text):
        for item in re.split(r",\s*", part.strip()):
            if re.match(r"^\d+\s*[-–]\s*\d+$", item):
                a, b = map(int, re.split(r"\s*[-–]\s*", item))
                out |= {f"{seed}:{n}" for n in range(a, b + 1)}
            elif item.strip().isdigit():
                out.add(f"{seed}:{item.strip()}")
    return out


def test_nrf2_table_of_seed_000_is_complete(kb, shared):
    text = (next((shared / "seeds").glob("000_*.txt"))).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.count("|") >= 5 and not line.startswith("Name")]
    assert len(rows) == 20
    for line in rows:
        name = line.split("|")[0].strip()
        assert name in kb.nrf2_targets, f"Table 1 symbol {name} missing"
        assert _refs(line, "000") <= set(kb.nrf2_targets[name].refs), f"{name}: references differ from Table 1"
    assert sorted(kb.nrf2_targets) == sorted(NRF2_TABLE_SYMBOLS)
    assert set(kb.entities["GCL"].attrs["members"]) == {"GCLC", "GCLM"}


def test_every_row_of_seed_002_table_1_is_a_strategy(kb, shared):
    text = (next((shared / "seeds").glob("002_*.txt"))).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(text) if line.startswith("Table 1 Strategies"))
    rows, drug = [], None
    for line in text[start:]:
        if line.startswith("Table 1 (continued)"):
            continue
        refs = _refs(line, "002")
        cells = line.split("\t")
        if not refs or len(cells) < 4:
            if rows and line.startswith(("Ferroptosis-related", "Immunotherapy")):
                break
            continue
        drug = cells[0].strip() or drug
        rows.append((drug, cells[1].strip(), refs))
        if len(rows) >= 14:
            break
    assert len(rows) == 14
    for drug, inducer, refs in rows:
        matches = [s for s in kb.strategies if refs & set(s.refs)]
        assert matches, f"Table 1 row {drug}/{inducer} {sorted(refs)} has no strategy"
        if inducer not in ("/", ""):
            for name in re.split(r"\s+and\s+", inducer):
                agent = kb.resolve(name).id
                assert any(s.agent == agent for s in matches), f"{name} is not the agent of {drug} {refs}"


def test_export_json_counts(kb):
    result = CliRunner().invoke(cli, ["kb", "export", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"entities", "interactions", "nrf2_targets", "strategies", "references"}
    assert len(data["nrf2_targets"]) == 20
    assert len(data["strategies"]) >= 60
    assert len(data["interactions"]) >= 150
    for table in ("interactions", "strategies", "nrf2_targets"):
        assert all(r["refs"] for r in data[table]), f"uncited record in {table}"
    known = {i for r in data["references"] for i in (r["id"], *r["aliases"])}
    cited = {
        ref for t in ("interactions", "strategies", "nrf2_targets", "entities") for r in data[t] for ref in r["refs"]
    }
    assert {c for c in cited if not c.startswith(("PMID:", "DOI:"))} <= known


def test_strategies_cover_every_axis_and_therapy_class(kb):
    axes = {s.axis for s in kb.strategies}
    assert {"GPX4", "system_xc", "NRF2", "iron", "lipid", "FSP1"} <= axes
    assert {"chemotherapy", "targeted_therapy", "immunotherapy", "radiotherapy"} <= {
        s.therapy_class for s in kb.strategies
    }


def test_context_dependent_roles_keep_both_signs(kb):
    for gene in ("HMOX1", "TP53"):
        signs = {
            i.sign
            for i in kb.interactions
            if i.source == gene and i.target in ("ferroptosis", "labile-Fe2+", "ROS", "SLC7A11")
        }
        assert signs == {"+", "-"}, f"{gene} should have context rows of both signs"
