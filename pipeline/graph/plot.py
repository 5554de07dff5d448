"""Pictures of a drug's neighbourhood: its adverse events around it, sized by how much evidence links them
and coloured by the highest grade reported, as a PNG (matplotlib) and a standalone interactive HTML page
(inline SVG and script, nothing fetched)."""
from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.atomic import atomic_write
from pipeline.graph import query as queries

# highest grade -> (colour, legend text); None is "grade not stated"
GRADE_COLOURS: dict[int | None, tuple[str, str]] = {
    None: ("#bdbdbd", "grade not stated"),
    1: ("#fdd49e", "grade 1"),
    2: ("#fc8d59", "grade 2"),
    3: ("#d7301f", "grade 3"),
    4: ("#990000", "grade 4"),
    5: ("#3f007d", "grade 5 (death)"),
}
_RING = 1.0
_TEXT_EDGE = "HAS_ADVERSE_EVENT"


def drug_picture(graph: nx.MultiDiGraph, drug: str, lexicon: Any = None,
                 filters: queries.Filters = queries.NO_FILTERS, limit: int = 30) -> dict[str, Any]:
    """What the picture shows, with positions: the drug at the centre, up to `limit` events on a ring
    (the most evidence first), each with its evidence count, highest grade and whether it was reported
    with the drug in text, through one of its regimens (tables), or both."""
    index = queries.NameIndex(graph)
    result = queries.events_for_drug(graph, drug, lexicon, filters, index)
    drug_nodes = queries.resolve(graph, drug, "Drug", lexicon, index)
    regimens = queries.regimens_of(graph, drug_nodes)
    events = sorted(result["events"], key=lambda e: (-len(e["evidence"]), -(e["highest_grade"] or 0), e["name"] or ""))
    shown = events[:limit]
    shown.sort(key=lambda e: (-(e["highest_grade"] or 0), -len(e["evidence"]), e["name"] or ""))
    most = max((len(e["evidence"]) for e in shown), default=1)
    positions = _two_sided_layout(len(shown))
    gap = 2 * _RING / max((len(shown) + 1) // 2, 1)  # vertical distance between neighbours on one side
    items = []
    for event, (x, y) in zip(shown, positions):
        sources = _sources(graph, drug_nodes, regimens, event["id"])
        items.append({
            "name": event["name"] or event["id"],
            "id": event["id"],
            "norm": event["norm"][:3],
            "evidence": len(event["evidence"]),
            "documents": len(event["documents"]),
            "highest_grade": event["highest_grade"],
            "link": "both" if len(sources) == 2 else next(iter(sources), "text"),
            "x": x,
            "y": y,
            "radius": min(0.035 + 0.075 * math.sqrt(len(event["evidence"]) / most), 0.42 * gap),
            "incidence": [incidence_text(i) for i in event["incidence"]][:6],
            "snippets": [_snippet(graph, e) for e in event["evidence"][:5]],
        })
    return {
        "drug": result["drug"]["name"],
        "norm": result["drug"]["norm"][:3],
        "regimens": [graph.nodes[r].get("name") for r in regimens],
        "events": items,
        "hidden": len(events) - len(shown),
        "total": len(events),
    }


def _two_sided_layout(count: int) -> list[tuple[float, float]]:
    """Positions on two arcs left and right of the centre, top to bottom, so horizontal labels never collide:
    the first half (most severe) on the right, the rest on the left."""
    right = (count + 1) // 2
    positions = []
    for side, size in ((1, right), (-1, count - right)):
        for index in range(size):
            y = _RING * (1 - 2 * (index + 0.5) / size) if size > 1 else 0.0
            positions.append((side * (0.55 + 0.5 * math.sqrt(max(0.0, 1 - y * y))), y))
    return positions


def _sources(graph: nx.MultiDiGraph, drugs: list[str], regimens: list[str], event: str) -> set[str]:
    found = set()
    for source, kind in [(d, "text") for d in drugs] + [(r, "table") for r in regimens]:
        if graph.has_edge(source, event) and any(d.get("label") == _TEXT_EDGE for d in graph[source][event].values()):
            found.add(kind)
    return found


def incidence_text(incidence: dict[str, Any]) -> str:
    """"31/33 (94%) grade any, IL-21 + sorafenib" for one incidence figure."""
    numbers = f"{incidence['n']}/{incidence['total']}" if incidence.get("n") is not None and incidence.get("total") \
        else ("" if incidence.get("n") is None else str(incidence["n"]))
    if incidence.get("percent") is not None:
        numbers += f" ({incidence['percent']:g}%)"
    grade = f"grade {incidence['grade']}" if incidence.get("grade") else ""
    regimen = " + ".join(incidence.get("regimen") or [])
    return ", ".join(p for p in (" ".join(q for q in (numbers.strip(), grade) if q), regimen) if p)


def _snippet(graph: nx.MultiDiGraph, evidence: dict[str, Any]) -> str:
    path = graph.nodes.get(f"Document:{evidence['document']}", {}).get("path") or evidence["document"]
    if evidence.get("table"):
        return f"{Path(path).name}, table {evidence['table']}: cell {evidence.get('cell')!r}"
    sentence = evidence.get("sentence") or ""
    return f"{Path(path).name}: \"{sentence[:240]}{'…' if len(sentence) > 240 else ''}\""


def _colour(grade: int | None) -> str:
    return GRADE_COLOURS.get(grade if grade in GRADE_COLOURS else (5 if grade and grade > 5 else None))[0]


def _subtitle(picture: dict[str, Any]) -> str:
    shown = len(picture["events"])
    text = f"{picture['total']} adverse events" + (f", the {shown} with most evidence shown" if picture["hidden"] else "")
    combos = [r for r in picture["regimens"] if "+" in (r or "")]
    if combos:
        text += "; given as " + "; ".join(combos)
    return text


# PNG ----------------------------------------------------------------------------------------------------

def write_png(picture: dict[str, Any], path: Path) -> Path:
    """Draw the picture with matplotlib (Agg backend) into `path`."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D

    figure, axes = plt.subplots(figsize=(14, 10), dpi=150)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_xlim(-1.75, 1.75)
    axes.set_ylim(-1.2, 1.2)
    for event in picture["events"]:
        style = "--" if event["link"] == "table" else "-"
        axes.plot([0, event["x"]], [0, event["y"]], style, color="#9e9e9e", linewidth=0.8 + event["evidence"] ** 0.5 / 2,
                  zorder=1)
    for event in picture["events"]:
        axes.add_patch(plt.Circle((event["x"], event["y"]), event["radius"], facecolor=_colour(event["highest_grade"]),
                                  edgecolor="#424242", linewidth=0.8, zorder=2))
        _png_label(axes, event)
    axes.add_patch(plt.Circle((0, 0), 0.2, facecolor="#1f78b4", edgecolor="#08306b", linewidth=1.2, zorder=3))
    axes.text(0, 0, _wrap(picture["drug"], 14), ha="center", va="center", color="white", fontsize=14,
              fontweight="bold", zorder=4)
    if not picture["events"]:
        axes.text(0, -0.45, "no adverse events in the graph", ha="center", fontsize=13, color="#616161")
    axes.set_title(f"{picture['drug']}: adverse events\n", fontsize=18, fontweight="bold", loc="left")
    axes.text(0, 1.02, _subtitle(picture), transform=axes.transAxes, fontsize=11, color="#424242")
    grades = [Line2D([], [], marker="o", linestyle="", markersize=11, markerfacecolor=colour, markeredgecolor="#424242",
                     label=label) for colour, label in GRADE_COLOURS.values()]
    links = [Line2D([], [], color="#9e9e9e", linestyle="-", label="reported with the drug in text"),
             Line2D([], [], color="#9e9e9e", linestyle="--", label="from a table of a regimen with the drug")]
    sizes = [Line2D([], [], marker="o", linestyle="", markersize=s, markerfacecolor="white", markeredgecolor="#424242",
                    label=label) for s, label in ((6, "little evidence"), (16, "most evidence"))]
    axes.legend(handles=grades + links + sizes, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=10,
                title="colour: highest grade reported · line: where the link was read · size: pieces of evidence",
                title_fontsize=10, frameon=False, columnspacing=2.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, binary=True) as handle:
        figure.savefig(handle, format="png", bbox_inches="tight")
    plt.close(figure)
    return path


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _png_label(axes: Any, event: dict[str, Any]) -> None:
    x, y, gap = event["x"], event["y"], event["radius"] + 0.03
    horizontal = "left" if x > 0.15 else "right" if x < -0.15 else "center"
    vertical = "bottom" if y > 0.15 and horizontal == "center" else "top" if y < -0.15 and horizontal == "center" \
        else "center"
    unit = math.hypot(x, y) or 1
    grade = f", max grade {event['highest_grade']}" if event["highest_grade"] else ""
    axes.text(x + gap * x / unit, y + gap * y / unit, f"{_short(event['name'], 34)}\nevidence: {event['evidence']}{grade}",
              ha=horizontal, va=vertical, fontsize=9.5, color="#212121", linespacing=1.1, zorder=5)


# HTML ---------------------------------------------------------------------------------------------------

_SCALE, _WIDTH, _HEIGHT = 260, 1100, 860

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; display: flex; color: #212121; }}
main {{ flex: 1; }} aside {{ width: 360px; padding: 16px; border-left: 1px solid #ddd; font-size: 14px; }}
h1 {{ font-size: 20px; margin: 12px 16px 0; }} p.sub {{ margin: 4px 16px; color: #555; }}
svg text {{ font-size: 12px; pointer-events: none; }} .event {{ cursor: pointer; }}
.event:hover circle, .event.selected circle {{ stroke: #000; stroke-width: 3; }}
.dim {{ opacity: 0.15; }} li {{ margin-bottom: 6px; }} label {{ display: block; margin: 8px 0; }}
.key span {{ display: inline-block; width: 12px; height: 12px; border-radius: 6px; margin-right: 6px;
  border: 1px solid #424242; vertical-align: middle; }}
</style></head>
<body><main><h1>{title}</h1><p class="sub">{subtitle}</p>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"
 role="img" aria-label="{title}">{svg}</svg></main>
<aside><label><input type="checkbox" id="severe"> only grade 3 or higher</label>
<div class="key">{key}</div>
<p>Solid line: reported with the drug in text. Dashed: from a table of a regimen containing the drug.
Circle size: number of pieces of evidence. Click an event for its evidence.</p>
<div id="details"><p>Click an event.</p></div></aside>
<script type="application/json" id="data">{data}</script>
<script>
const picture = JSON.parse(document.getElementById("data").textContent);
const details = document.getElementById("details");
function esc(text) {{ const d = document.createElement("div"); d.textContent = text; return d.innerHTML; }}
document.querySelectorAll(".event").forEach(function (node) {{
  node.addEventListener("click", function () {{
    document.querySelectorAll(".event.selected").forEach(n => n.classList.remove("selected"));
    node.classList.add("selected");
    const e = picture.events[Number(node.dataset.index)];
    details.innerHTML = "<h2>" + esc(e.name) + "</h2><p>" + esc(e.norm.join(", ") || "no identifier") + "</p>"
      + "<p>" + e.evidence + " pieces of evidence in " + e.documents + " document(s); highest grade "
      + (e.highest_grade || "not stated") + "</p>"
      + (e.incidence.length ? "<h3>Incidence</h3><ul>" + e.incidence.map(i => "<li>" + esc(i) + "</li>").join("") + "</ul>" : "")
      + "<h3>Evidence</h3><ul>" + e.snippets.map(s => "<li>" + esc(s) + "</li>").join("") + "</ul>";
  }});
}});
document.getElementById("severe").addEventListener("change", function (change) {{
  document.querySelectorAll(".event, .link").forEach(function (node) {{
    const grade = Number(node.dataset.grade || 0);
    node.classList.toggle("dim", change.target.checked && grade < 3);
  }});
}});
</script></body></html>
"""


def _pixel(x: float, y: float) -> tuple[float, float]:
    return round(_WIDTH / 2 + x * _SCALE, 1), round(_HEIGHT / 2 - y * _SCALE, 1)


def write_html(picture: dict[str, Any], path: Path) -> Path:
    """A standalone page: the same picture as inline SVG, with hover titles, click-for-evidence and a grade filter."""
    cx, cy = _pixel(0, 0)
    links, nodes = [], []
    for index, event in enumerate(picture["events"]):
        x, y = _pixel(event["x"], event["y"])
        grade = event["highest_grade"] or 0
        dash = ' stroke-dasharray="6 4"' if event["link"] == "table" else ""
        links.append(f'<line class="link" data-grade="{grade}" x1="{cx}" y1="{cy}" x2="{x}" y2="{y}" stroke="#9e9e9e" '
                     f'stroke-width="{1 + event["evidence"] ** 0.5 / 2:.1f}"{dash}/>')
        anchor = "start" if event["x"] > 0.15 else "end" if event["x"] < -0.15 else "middle"
        radius = event["radius"] * _SCALE
        unit = math.hypot(event["x"], event["y"]) or 1
        lx, ly = x + (radius + 6) * event["x"] / unit, y - (radius + 6) * event["y"] / unit
        if anchor == "middle":
            ly += 14 if event["y"] < 0 else -6
        title = html.escape(f"{event['name']}: {event['evidence']} evidence, highest grade "
                            f"{event['highest_grade'] or 'not stated'}")
        nodes.append(
            f'<g class="event" data-index="{index}" data-grade="{grade}"><title>{title}</title>'
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" fill="{_colour(event["highest_grade"])}" stroke="#424242"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" dominant-baseline="middle">'
            f'{html.escape(_short(event["name"], 30))}</text></g>')
    center = (f'<circle cx="{cx}" cy="{cy}" r="{0.2 * _SCALE:.0f}" fill="#1f78b4" stroke="#08306b"/>'
              f'<text x="{cx}" y="{cy}" text-anchor="middle" dominant-baseline="middle" fill="white" '
              f'style="font-size:16px;font-weight:bold">{html.escape(picture["drug"])}</text>')
    key = "".join(f'<div><span style="background:{colour}"></span>{html.escape(label)}</div>'
                  for colour, label in GRADE_COLOURS.values())
    page = _PAGE.format(
        title=html.escape(f"{picture['drug']}: adverse events"), subtitle=html.escape(_subtitle(picture)),
        width=_WIDTH, height=_HEIGHT, svg="".join(links + nodes) + center, key=key,
        data=json.dumps(picture, ensure_ascii=False).replace("</", "<\\/"),
    )
    with atomic_write(path) as handle:
        handle.write(page)
    return path


def plot_drug(graph: nx.MultiDiGraph, drug: str, stem: Path, lexicon: Any = None,
              filters: queries.Filters = queries.NO_FILTERS, limit: int = 30) -> dict[str, Path]:
    """`STEM.png` and `STEM.html` for a drug's neighbourhood; returns their paths."""
    picture = drug_picture(graph, drug, lexicon, filters, limit)
    return {"png": write_png(picture, stem.with_name(stem.name + ".png")),
            "html": write_html(picture, stem.with_name(stem.name + ".html"))}
