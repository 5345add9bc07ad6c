"""``ferronet report``: one self-contained HTML file (figures inlined, no external resources)."""

from __future__ import annotations

import base64
import datetime as _dt
import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ferronet import __version__
from ferronet.io.atomic import atomic_write
from ferronet.kb.base import KnowledgeBase, load_kb
from ferronet.kb.cite import format_reference
from ferronet.kb.objects import Reference
from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import Perturbation
from ferronet.report.figures import combo_figure, dose_curves
from ferronet.report.network import focused_graph, model_graph, network_figure
from ferronet.screen.combo import combo_screen
from ferronet.screen.recommend import Recommendation, RecommendationReport, recommend
from ferronet.screen.recommend.format import SCORE_PARTS, dose_pair_text, tools_text
from ferronet.sim.base import get_simulator
from ferronet.sim.conditions import Condition

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1200px;margin:2em auto;color:#222}
h1{font-size:1.6em} h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.82em;width:100%}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top}
th{background:#f3f3f3;text-align:left} .sim{color:#a15c00} .lit{color:#1f6f3f} .none{color:#888}
.meta{color:#666;font-size:.85em} figure{margin:1em 0} img,svg{max-width:100%} dt{font-weight:bold}
"""


def _img(data: bytes, mime: str = "image/png") -> str:
    return f'<img alt="figure" src="data:{mime};base64,{base64.b64encode(data).decode()}"/>'


def ref_link(kb: KnowledgeBase, ref_id: str) -> str:
    """A reference id linked to its paper (PubMed, DOI, PMC or a PubMed title search)."""
    found = kb.cited([ref_id])
    if not found:
        return html.escape(ref_id)
    text, url = format_reference(found[0])
    return f'<a href="{html.escape(url)}" title="{html.escape(text)}">{html.escape(ref_id)}</a>'


def _ref_item(ref: Reference) -> str:
    text, url = format_reference(ref)
    ids = "; ".join((ref.id, *ref.aliases))
    return f'<li>[{html.escape(ids)}] <a href="{html.escape(url)}">{html.escape(text)}</a></li>'


def _move_perturbation(model: Model, r: Recommendation) -> Perturbation | None:
    """The simulated version of a move (its genetic action, else its best tool at the reference dose)."""
    if r.best_version == "genetic" and r.target:
        return Perturbation("gene", r.target[0], r.action)
    if "@" in r.best_version:
        return model.resolve(r.best_version)
    return None


def _row(kb: KnowledgeBase, i: int, r: Recommendation, therapy: str) -> str:
    refs = ", ".join(ref_link(kb, x) for x in r.evidence[:8])
    css = {"literature and simulation": "lit", "simulation only": "sim"}.get(r.basis, "none")
    how = "<br>".join(html.escape(x) for x in (dose_pair_text(r, therapy), tools_text(r)) if x)
    death = "" if r.death_with_therapy is None else f"{r.death_with_therapy:.2f}"
    return (
        f"<tr><td>{i}</td><td><b>{html.escape(r.intervention)}</b><br><span class=meta>{html.escape(r.kind)}"
        f"</span></td><td>{html.escape(r.axis)}</td><td>{r.score:.3f}</td><td>{r.restoration:+.3f}</td>"
        f"<td>{r.bliss:+.3f}</td><td>{r.lipid_term:+.3f}</td><td>{r.sim:+.3f}</td><td>{r.literature_use:.2f}</td>"
        f"<td>{r.literature_axis:.2f}</td><td>{death}</td><td>{how}</td>"
        f'<td><span class="{css}">{html.escape(r.basis)}</span></td>'
        f"<td>{'<br>'.join(html.escape(s) for s in r.supporting[:3])}</td>"
        f"<td>{'<br>'.join(html.escape(s) for s in r.contradicting[:3])}</td><td>{refs}</td></tr>"
    )


def _figures(model: Model, rep: RecommendationReport, state: list[str]) -> list[tuple[str, bytes]]:
    """Dose-response of the therapy with and without the top move; the top dose pair's matrix."""
    drug = rep.therapy_model
    if drug not in model.compounds:
        return []
    top = rep.recommendations[0] if rep.recommendations else None
    move = _move_perturbation(model, top) if top else None
    ref = model.compounds[drug].default_uM
    doses = np.concatenate([[0.0], ref * np.logspace(-2, 1, 10)])
    arms: dict[str, list[str | Perturbation]] = {"resistant state": []}
    if top and move is not None:
        arms[f"+ {top.intervention} ({move})"] = [move]
    conds = [Condition.parse(model, [*state, f"{drug}@{d:g}uM", *extra]) for extra in arms.values() for d in doses]
    death = get_simulator(model).run(conds).readout("ferroptosis").reshape(len(arms), len(doses))
    figs = [
        (
            "Dose-response of the therapy with and without the top move",
            dose_curves(drug, doses, dict(zip(arms, death, strict=True))),
        )
    ]
    pair = next((r for r in rep.recommendations if r.dose_pair), None)
    if pair and pair.dose_pair:
        tool = str(pair.dose_pair["compound"])
        combo = combo_screen([drug, tool], model=model, background=state, progress=False)[0]
        scores = ", ".join(f"{k} {v:+.3f}" for k, v in combo.scores().items())
        figs.append((f"Combination {drug} x {tool} ({pair.intervention}; mean synergy: {scores})", combo_figure(combo)))
    return figs


def _network(kb: KnowledgeBase, model: Model, rep: RecommendationReport, state: list[str]) -> str:
    therapy_arm = [rep.therapy_model] if not rep.therapy_model.startswith("(") else []
    res = get_simulator(model).run([Condition.parse(model, [*state, *therapy_arm])])
    activity = {n: float(res.readout(n)[0]) for n in model.nodes}
    activity["ferroptosis"] = 1.0 + float(res.readout("ferroptosis")[0])
    sources = {str(p).partition(":")[0] for p in state}
    sources |= {t for r in rep.recommendations[:5] for t in r.target}
    if rep.therapy_model in model.compounds:
        sources |= {m.target for m in model.compounds[rep.therapy_model].mechanisms}
    g = focused_graph(model_graph(kb, model), sources)
    svg = network_figure(
        g, activity, f"{rep.therapy}: paths from the resistant state, the therapy and the top moves", "svg"
    ).decode()
    return svg[svg.find("<svg") :]  # inline: drop the XML prolog and DOCTYPE


def build_report(
    therapy: str,
    cancer: str | None,
    mutations: Sequence[str],
    out: str | Path,
    profile: Mapping[str, float] | None = None,
    top: int = 10,
) -> Path:
    kb, model = load_kb(), load_model()
    rep = recommend(therapy, cancer, mutations, profile, top=top, kb=kb, model=model)
    state = list(rep.resistant_state)
    svg = _network(kb, model, rep, state)
    figs = _figures(model, rep, state)
    rows = "".join(_row(kb, i, r, rep.therapy) for i, r in enumerate(rep.recommendations, 1))
    legend = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in SCORE_PARTS)
    documented = [s for s in kb.strategies if s.id in rep.strategies_used]
    doc_rows = "".join(
        f"<tr><td>{html.escape(s.agent)}</td><td>{html.escape(s.axis)}</td><td>{html.escape(s.cancer)}</td>"
        f"<td>{html.escape(s.mechanism)}</td><td>{', '.join(ref_link(kb, x) for x in s.refs)}</td></tr>"
        for s in documented
    )
    cited = sorted({x for r in rep.recommendations for x in r.evidence} | {x for s in documented for x in s.refs})
    ref_list = "".join(_ref_item(r) for r in kb.cited(cited))
    fig_html = "".join(f"<figure><figcaption>{html.escape(t)}</figcaption>{_img(d)}</figure>" for t, d in figs)
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    extra = " and the given mutations" if mutations else ""
    extra += f" and the tumour profile ({len(rep.profile_genes)} model genes)" if rep.profile_genes else ""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>ferronet report: {html.escape(rep.therapy)} resistance</title><style>{CSS}</style></head><body>
<h1>Reversing resistance to {html.escape(rep.therapy)}{" in " + html.escape(rep.cancer) if rep.cancer else ""}</h1>
<p class="meta">ferronet {__version__} &middot; model {model.version} &middot; knowledge base {kb.version}
&middot; generated {now}</p>
<p>Resistant state built from the knowledge base{extra}:
<b>{html.escape(", ".join(rep.resistant_state) or "no documented mechanism")}</b>. The therapy is simulated as
<b>{html.escape(rep.therapy_model)}</b>; fraction of cells dead by ferroptosis after 24 h with the therapy alone:
<b>{rep.baseline_death:.2f}</b>.</p>
<h2>Ranked moves</h2>
<p class="meta">Moves are ranked mechanism first: each is simulated with the therapy in the resistant state at
reachable doses (a target move through its genetic action; tool compounds at their reference dose, the range
searched for the best dose pair given beside them). Moves the model has no mechanism for are not listed
(<code>--include-literature-only</code>). Oncogenes are never proposed for overexpression.</p>
<dl>{legend}</dl>
<table><tr><th>#</th><th>move</th><th>axis</th><th>score</th><th>restoration</th><th>Bliss</th><th>lipid term</th>
<th>sim</th><th>lit: use</th><th>lit: axis</th><th>death</th><th>how: best dose pair; tools; modalities</th>
<th>basis</th><th>supporting strategies</th><th>contradicting evidence</th><th>references</th></tr>
{rows}</table>
<h2>Network state</h2><p class="meta">Only the nodes on the shortest cited paths from the resistant state, the
therapy's targets and the top five moves to ferroptosis, one column per axis.</p><figure>{svg}</figure>
<h2>Dose-response and synergy</h2>{fig_html or "<p>The therapy has no compound in the model library.</p>"}
<h2>Documented strategies for this resistance</h2>
<table><tr><th>agent</th><th>axis</th><th>cancer</th><th>mechanism</th><th>refs</th></tr>{doc_rows}</table>
<h2>References</h2><ol>{ref_list}</ol>
</body></html>"""
    return atomic_write(Path(out), page, "report")
