"""``ferronet report``: one self-contained HTML file (figures inlined, no external resources)."""

from __future__ import annotations

import base64
import datetime as _dt
import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ferronet import __version__
from ferronet.kb.base import KnowledgeBase, load_kb
from ferronet.kb.cite import format_reference
from ferronet.kb.objects import Reference
from ferronet.model.network import load_model
from ferronet.report.figures import combo_figure, dose_curves
from ferronet.report.network import model_graph, network_figure
from ferronet.screen.combo import combo_screen
from ferronet.screen.recommend import recommend
from ferronet.sim.base import get_simulator
from ferronet.sim.conditions import Condition

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;color:#222}
h1{font-size:1.6em} h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;width:100%}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top}
th{background:#f3f3f3;text-align:left} .sim{color:#a15c00} .lit{color:#1f6f3f} .meta{color:#666;font-size:.85em}
figure{margin:1em 0} img,svg{max-width:100%}
"""


def _ref_link(kb: KnowledgeBase, ref_id: str) -> str:
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


def _img(data: bytes, mime: str = "image/png") -> str:
    return f'<img alt="figure" src="data:{mime};base64,{base64.b64encode(data).decode()}"/>'


def build_report(therapy: str, cancer: str | None, mutations: Sequence[str], out: str | Path) -> Path:
    kb, model = load_kb(), load_model()
    rep = recommend(therapy, cancer, mutations, top=10, kb=kb, model=model)
    engine = get_simulator(model)
    state = list(rep.resistant_state)
    therapy_arm = [rep.therapy_model] if not rep.therapy_model.startswith("(") else []
    # network state: resistant tumour under the therapy
    cond = Condition.parse(model, [*state, *therapy_arm])
    res = engine.run([cond])
    activity = {n: float(res.readout(n)[0]) for n in model.nodes}
    activity["ferroptosis"] = 1.0 + float(res.readout("ferroptosis")[0])
    net_svg = network_figure(model_graph(kb, model), activity, f"{rep.therapy} in the resistant state", "svg")
    svg = net_svg.decode()
    svg = svg[svg.find("<svg") :]  # inline: drop the XML prolog and DOCTYPE
    # dose-response of the therapy with and without the best compound recommendation
    best = next((r for r in rep.recommendations if ":" not in r.intervention), None)
    figs = []
    if therapy_arm and therapy_arm[0] in model.compounds:
        drug = therapy_arm[0]
        ref = model.compounds[drug].default_uM
        doses = np.concatenate([[0.0], ref * np.logspace(-2, 1, 10)])
        arms = {"resistant state": [], **({f"+ {best.intervention}": [best.intervention]} if best else {})}
        conds = [Condition.parse(model, [*state, f"{drug}@{d:g}uM", *extra]) for extra in arms.values() for d in doses]
        death = engine.run(conds).readout("ferroptosis").reshape(len(arms), len(doses))
        figs.append(("Dose-response of the therapy", dose_curves(drug, doses, dict(zip(arms, death, strict=True)))))
        if best:
            combo = combo_screen([drug, best.intervention], model=model, background=state, progress=False)[0]
            scores = ", ".join(f"{k} {v:+.3f}" for k, v in combo.scores().items())
            figs.append((f"Combination {drug} x {best.intervention} (mean synergy: {scores})", combo_figure(combo)))
    rows = []
    for i, r in enumerate(rep.recommendations, 1):
        refs = ", ".join(_ref_link(kb, x) for x in r.evidence[:8])
        basis = f'<span class="{"lit" if r.supporting else "sim"}">{html.escape(r.basis)}</span>'
        support = "<br>".join(html.escape(s) for s in r.supporting[:3])
        contra = "<br>".join(html.escape(s) for s in r.contradicting[:3])
        rows.append(
            f"<tr><td>{i}</td><td>{html.escape(r.intervention)}</td><td>{html.escape(r.axis)}</td>"
            f"<td>{r.score:.3f}</td><td>{r.restoration:+.3f}</td><td>{r.bliss:+.3f}</td>"
            f"<td>{r.death_with_therapy:.2f}</td><td>{basis}</td><td>{support}</td><td>{contra}</td>"
            f"<td>{refs}</td></tr>"
        )
    documented = [s for s in kb.strategies if s.id in rep.strategies_used]
    doc_rows = "".join(
        f"<tr><td>{html.escape(s.agent)}</td><td>{html.escape(s.axis)}</td><td>{html.escape(s.cancer)}</td>"
        f"<td>{html.escape(s.mechanism)}</td><td>{', '.join(_ref_link(kb, x) for x in s.refs)}</td></tr>"
        for s in documented
    )
    cited = sorted({x for r in rep.recommendations for x in r.evidence} | {x for s in documented for x in s.refs})
    ref_list = "".join(_ref_item(r) for r in kb.cited(cited))
    fig_html = "".join(f"<figure><figcaption>{html.escape(t)}</figcaption>{_img(d)}</figure>" for t, d in figs)
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>ferronet report: {html.escape(rep.therapy)} resistance</title><style>{CSS}</style></head><body>
<h1>Reversing resistance to {html.escape(rep.therapy)}{" in " + html.escape(rep.cancer) if rep.cancer else ""}</h1>
<p class="meta">ferronet {__version__} &middot; model {model.version} &middot; knowledge base {kb.version}
&middot; generated {now}</p>
<p>Resistant state built from the knowledge base{" and the given mutations" if mutations else ""}:
<b>{html.escape(", ".join(rep.resistant_state) or "no documented mechanism")}</b>. The therapy is simulated as
<b>{html.escape(rep.therapy_model)}</b>; fraction of cells dead by ferroptosis after 24 h with the therapy alone:
<b>{rep.baseline_death:.2f}</b>.</p>
<h2>Ranked strategies</h2>
<p class="meta">score = restoration of ferroptosis with the therapy + Bliss excess (fraction-of-cells units).
<span class="lit">literature and simulation</span>: supported by documented strategies;
<span class="sim">simulation only</span>: no documented strategy uses this intervention.</p>
<table><tr><th>#</th><th>intervention</th><th>axis</th><th>score</th><th>restoration</th><th>Bliss</th>
<th>death</th><th>basis</th><th>supporting strategies</th><th>contradicting evidence</th><th>references</th></tr>
{"".join(rows)}</table>
<h2>Network state</h2><figure>{svg}</figure>
<h2>Dose-response and synergy</h2>{fig_html or "<p>The therapy has no compound in the model library.</p>"}
<h2>Documented strategies for this resistance</h2>
<table><tr><th>agent</th><th>axis</th><th>cancer</th><th>mechanism</th><th>refs</th></tr>{doc_rows}</table>
<h2>References</h2><ol>{ref_list}</ol>
</body></html>"""
    out = Path(out)
    out.write_text(page, encoding="utf-8")
    return out
