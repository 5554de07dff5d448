"""The curation web app behind `trialgraph review`: a queue of extracted items, their evidence, and
accept / reject / correct decisions that are stored with who and when and rebuild the graph exports.

Every page is rendered server-side by Jinja2 with autoescaping, so document text is always shown as text;
state-changing requests carry a per-session CSRF token; decisions carry the version the curator saw.
Only requests whose `Host` header names one of the host names the app was started for are answered (a page
on another site cannot reach a loopback app through DNS rebinding), and every number a request carries is
checked against its range (a bad one is a 400 saying the range, never a 500).
"""
from __future__ import annotations

import getpass
import hmac
import ipaddress
import math
import re
import secrets
import socket
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.serving import BaseWSGIServer, make_server

from pipeline.batch.run import STORE_NAME
from pipeline.graph.build import build_graph
from pipeline.graph.export import write_graph
from pipeline.review.queue import PAGE_SIZE, QueueFilter, ReviewItem, document_items, review_items
from pipeline.review.render import Segment, segments, sentence_span, table_view
from pipeline.store import Store, StoredDocument
from pipeline.store.curation import (
    MAX_LOG_ENTRIES,
    STATUSES,
    Conflict,
    Curation,
    InvalidCorrection,
    apply_decisions,
    decisions_by_source,
    validate_correction,
)

MENTION_LABELS = ("DRUG", "DOSE", "ADVERSE_EVENT", "CONDITION", "ENDPOINT", "DRUG_CLASS")
RELATION_LABELS = ("HAS_ADVERSE_EVENT", "HAS_DOSE", "TREATS", "HAS_ENDPOINT")
DECISIONS = {"accepted": "Accepted", "rejected": "Rejected", "corrected": "Corrected"}
_SNIPPET_REACH = 70  # characters of context either side of an item in the queue
MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_CELL_INDEX = 1_000_000
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'")


def allowed_host_names(listen_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The `Host` names an app listening on `listen_host` answers to: the loopback names, the address itself,
    this machine's names and addresses when it listens on all interfaces, and `extra`."""
    names = {*LOOPBACK_NAMES, listen_host, *extra}
    if listen_host in ("", "0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
        try:
            names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
        except OSError:
            pass
    return frozenset(name.lower().strip("[]") for name in names if name)


def _host_name(host_header: str) -> str:
    """The name of a `Host` header without its port (`[::1]:8765` -> `::1`)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def create_app(output_dir: str | Path, curator: str | None = None,
               allowed_hosts: Iterable[str] = LOOPBACK_NAMES) -> Flask:
    """The app over the store in `output_dir`; `curator` is the default name decisions are signed with;
    `allowed_hosts` the host names requests may be addressed to (see `allowed_host_names`)."""
    output_dir = Path(output_dir)
    allowed = frozenset(name.lower().strip("[]") for name in allowed_hosts)
    store_path = output_dir / STORE_NAME
    if not store_path.is_file():
        raise FileNotFoundError(f"no store at {store_path}; run `trialgraph run PATH -o {output_dir}` first")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    default_curator = curator or getpass.getuser()
    documents = _DocumentCache()
    rebuild_lock = threading.Lock()

    def store() -> Store:
        if "store" not in g:
            g.store = Store(store_path)
        return g.store

    @app.teardown_appcontext
    def close_store(_: BaseException | None) -> None:
        if "store" in g:
            g.pop("store").close()

    def all_items() -> list[ReviewItem]:
        return review_items(documents.get(store()), Curation(store()).decisions())

    def find_item(document_id: str, key: str) -> ReviewItem:
        stored = next((s for s in documents.get(store()) if s.document.id == document_id), None)
        if stored is None:
            abort(404, f"no document {document_id} in the store; it may have been re-processed")
        decisions = {k: d for (_, k), d in Curation(store()).decisions(stored.document.source_path).items()}
        item = next((i for i in document_items(stored, decisions) if i.key == key), None)
        if item is None:
            abort(404, f"no item {key} in document {document_id}")
        return item

    def curated(item: ReviewItem) -> StoredDocument:
        return apply_decisions(item.stored, decisions_by_source(store().connection).get(item.source_path, []))

    def rebuild_exports() -> None:
        """What `trialgraph query` reads follows every decision."""
        with rebuild_lock:
            write_graph(build_graph(store().documents()), output_dir)

    @app.before_request
    def check_host() -> None:
        name = _host_name(request.headers.get("Host", ""))
        if name not in allowed:
            abort(400, f"this app answers only requests addressed to {', '.join(sorted(allowed))}, not {name!r}; "
                  "start it with --allowed-host NAME to add a name")

    @app.before_request
    def check_csrf() -> None:
        if request.method == "POST":
            sent, expected = request.form.get("csrf_token", ""), session.get("csrf", "")
            if not expected or not hmac.compare_digest(sent, expected):
                abort(400, "the form's security token is missing or out of date; reload the page and try again")

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.context_processor
    def shared() -> dict[str, Any]:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return {"csrf_token": session["csrf"], "curator": session.get("curator", default_curator),
                "when": _when}

    @app.get("/favicon.ico")
    def favicon():
        return "", 204

    @app.get("/")
    def queue():
        wanted = QueueFilter.from_args(request.args)
        everything = all_items()
        items = [i for i in everything if wanted.matches(i)]
        pages = max(1, -(-len(items) // PAGE_SIZE))
        page = min(_number_arg(request.args, "page", 1, 1, MAX_ID), pages)
        shown = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        docs = documents.get(store())
        return render_template(
            "queue.html", rows=[(i, _snippet(i)) for i in shown],
            filter=wanted, counts=Counter(i.status for i in items), total=len(items), page=page, pages=pages,
            statuses=STATUSES, labels=sorted({i.label for i in everything}),
            documents=[(s.document.id, s.document.source_path) for s in docs],
            trials=sorted({t for s in docs for t in _trials(s)}),
            item_url=lambda i: _item_url(i, wanted), page_url=lambda n: url_for("queue", **wanted.args(), page=n),
        )

    @app.get("/item")
    def item_page():
        item = find_item(request.args.get("doc", ""), request.args.get("key", ""))
        return _render_item(item, QueueFilter.from_args(request.args))

    def _render_item(item: ReviewItem, wanted: QueueFilter, status: int = 200, **extra: Any):
        items = [i for i in all_items() if wanted.matches(i)]
        keys = [(i.document_id, i.key) for i in items]
        here = keys.index((item.document_id, item.key)) if (item.document_id, item.key) in keys else -1
        neighbours = {
            "previous": _item_url(items[here - 1], wanted) if here > 0 else None,
            "next": _item_url(items[here + 1], wanted) if 0 <= here < len(items) - 1 else None,
        }
        view = curated(item)
        return render_template(
            "item.html", item=item, evidence=_evidence(item), filter=wanted, neighbours=neighbours,
            history=Curation(store()).log(item.source_path, item.key), mention_labels=MENTION_LABELS,
            relation_labels=RELATION_LABELS, ends=_relation_ends(item, view),
            document_url=_document_url(item), queue_url=url_for("queue", **wanted.args()), **extra,
        ), status

    @app.post("/decide")
    def decide():
        item = find_item(request.form.get("doc", ""), request.form.get("key", ""))
        wanted = QueueFilter.from_args(request.form)
        status = request.form.get("decision", "")
        if status not in DECISIONS:
            abort(400, f"decision must be one of {', '.join(DECISIONS)}")
        correction = None
        curation = Curation(store())
        try:
            if status == "corrected":
                correction = validate_correction(item.kind, _read_correction(item, request.form), item.original,
                                                 curated(item))
            curation.decide(item.source_path, item.key, item.kind, status, item.original,
                            curator=session.get("curator", default_curator),
                            expected_version=_number_arg(request.form, "version", -1, 0, MAX_ID),
                            correction=correction, comment=request.form.get("comment", ""))
        except Conflict as conflict:
            item.decision = conflict.current
            return _render_item(item, wanted, 409, conflict=conflict.current)
        except InvalidCorrection as error:
            return _render_item(item, wanted, 400, error=str(error))
        rebuild_exports()
        flash(f"{DECISIONS[status]} {item.label} “{item.text}”.")
        return redirect(_next_pending(all_items(), wanted) or url_for("queue", **wanted.args()))

    @app.post(f"/undo/<int(min=1, max={MAX_ID}):entry_id>")
    def undo(entry_id: int):
        back = request.form.get("next", "")
        back = back if back.startswith("/") and not back.startswith("//") else url_for("audit")
        try:
            Curation(store()).undo(entry_id, session.get("curator", default_curator))
        except KeyError:
            abort(404, f"no audit entry {entry_id}")
        except Conflict as conflict:
            flash(f"Not undone: {conflict}.", "error")
            return redirect(back)
        rebuild_exports()
        flash(f"Undid change {entry_id}.")
        return redirect(back)

    @app.get("/audit")
    def audit():
        by_path = {s.document.source_path: s.document.id for s in documents.get(store())}
        entries = Curation(store()).log(limit=_number_arg(request.args, "limit", 500, 1, MAX_LOG_ENTRIES))
        return render_template("audit.html", entries=entries, by_path=by_path)

    @app.get("/document/<document_id>")
    def document_page(document_id: str):
        stored = next((s for s in documents.get(store()) if s.document.id == document_id), None)
        if stored is None:
            abort(404, f"no document {document_id} in the store")
        view = apply_decisions(stored, decisions_by_source(store().connection).get(stored.document.source_path, []))
        text = view.document.text
        focus = set()
        match = re.fullmatch(r"(\d{1,12})-(\d{1,12})", request.args.get("focus", ""))
        if match:
            focus.add((int(match[1]), int(match[2])))
        return render_template(
            "document.html", stored=view, text_segments=segments(text, 0, len(text), view.entities, focus),
            tables=[table_view(view.document, t.id) for t in view.document.tables],
            marked=(request.args.get("table"), _number_arg(request.args, "row", -1, 0, MAX_CELL_INDEX),
                    _number_arg(request.args, "column", -1, 0, MAX_CELL_INDEX)),
        )

    @app.post("/curator")
    def set_curator():
        name = " ".join(request.form.get("name", "").split())[:80]
        if name:
            session["curator"] = name
        back = request.form.get("next", "")
        return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("queue"))

    return app


class _DocumentCache:
    """Stored documents as extracted, read again only when a run changed the store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._documents: list[StoredDocument] = []

    def get(self, store: Store) -> list[StoredDocument]:
        stamp = store.connection.execute("SELECT COUNT(*), MAX(processed_at) FROM documents").fetchone()
        with self._lock:
            if stamp != self._stamp:
                self._documents = list(store.documents(curated=False))
                self._stamp = stamp
            return self._documents


def _number_arg(values, name: str, default: int, low: int, high: int) -> int:
    """The whole number `name` of a query or form, `default` when absent or empty; a 400 saying the range when
    it is not a whole number from `low` to `high`."""
    raw = (values.get(name) or "").strip()
    if not raw:
        return default
    if re.fullmatch(r"[+-]?\d{1,19}", raw) and low <= int(raw) <= high:
        return int(raw)
    abort(400, f"{name} must be a whole number from {low:,} to {high:,}, not {raw[:40]!r}")


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def _trials(stored: StoredDocument) -> list[str]:
    own = [stored.document.trial.nct_id] if stored.document.trial else []
    return own + stored.document.nct_ids


def _item_url(item: ReviewItem, wanted: QueueFilter) -> str:
    return "/item?" + urlencode({"doc": item.document_id, "key": item.key, **wanted.args()})


def _document_url(item: ReviewItem) -> str:
    if item.kind == "fact":
        cell = item.original
        return f"/document/{item.document_id}?" + urlencode(
            {"table": cell["table"], "row": cell["row"], "column": cell["column"]}) + f"#table-{cell['table']}"
    start = item.original["start"] if item.kind == "mention" else item.original["tail"][0]
    end = item.original["end"] if item.kind == "mention" else item.original["tail"][1]
    return f"/document/{item.document_id}?focus={start}-{end}#m-{start}"


def _next_pending(items: list[ReviewItem], wanted: QueueFilter) -> str | None:
    """The first pending item of the filtered queue (decided items sort after pending ones)."""
    candidates = [i for i in items if wanted.matches(i) and i.status == "pending"]
    if not candidates:
        return None
    return _item_url(candidates[0], wanted)


def _spans(item: ReviewItem) -> tuple[int, int, set[tuple[int, int]]]:
    """Text range to show for a mention or relation, and the spans to emphasise."""
    entities = item.stored.entities
    text = item.stored.document.text
    if item.kind == "mention":
        spans = {(item.original["start"], item.original["end"])}
    else:
        spans = {tuple(item.original["head"]), tuple(item.original["tail"])}
    ranges = []
    for start, end in spans:
        entity = next((e for e in entities if (e["start"], e["end"]) == (start, end)), {"start": start, "end": end})
        ranges.append(sentence_span(entity, text))
    return min(r[0] for r in ranges), max(r[1] for r in ranges), spans


@dataclass
class _Evidence:
    start: int = 0
    end: int = 0
    segments: list | None = None
    plain: str = ""
    table: Any = None
    focus: tuple[int, int] | None = None
    cut_before: bool = False
    cut_after: bool = False


def _evidence(item: ReviewItem) -> _Evidence:
    """The sentence with every entity highlighted, or the table with the fact's cell marked."""
    if item.kind == "fact":
        fact = item.original
        return _Evidence(table=table_view(item.stored.document, fact["table"], fact["row"], fact["column"]))
    start, end, spans = _spans(item)
    text = item.stored.document.text
    focus = next(iter(spans)) if item.kind == "mention" else None
    return _Evidence(start, end, segments(text, start, end, item.stored.entities, spans), text[start:end], None, focus)


def _snippet(item: ReviewItem) -> _Evidence:
    """The queue's short evidence: the item's own spans highlighted, with some words around each."""
    if item.kind == "fact":
        table = table_view(item.stored.document, item.original["table"])
        return _Evidence(plain=table.caption if table else item.original["table"])
    sentence_start, sentence_end, spans = _spans(item)
    text = item.stored.document.text
    marks = [e for e in item.stored.entities if (e["start"], e["end"]) in spans] or [item.original]
    first, last = min(spans), max(spans)
    if last[0] - first[1] > 2 * _SNIPPET_REACH:  # ends far apart: a window around each, joined by an ellipsis
        windows = [_window(text, first, sentence_start, sentence_end), _window(text, last, sentence_start, sentence_end)]
    else:
        windows = [_window(text, (first[0], last[1]), sentence_start, sentence_end)]
    pieces = []
    for start, end in windows:
        if pieces:
            pieces.append(Segment(" … ", start))
        pieces += segments(text, start, end, marks, spans)
    return _Evidence(windows[0][0], windows[-1][1], pieces,
                     cut_before=windows[0][0] > sentence_start, cut_after=windows[-1][1] < sentence_end)


def _window(text: str, span: tuple[int, int], lowest: int, highest: int) -> tuple[int, int]:
    """`span` widened by about `_SNIPPET_REACH` characters each side, cut at spaces, within [lowest, highest]."""
    start, end = lowest, highest
    if span[0] - lowest > _SNIPPET_REACH:
        start = min(span[0], max(lowest, text.find(" ", span[0] - _SNIPPET_REACH) + 1))
    if highest - span[1] > _SNIPPET_REACH:
        end = max(span[1], text.rfind(" ", 0, span[1] + _SNIPPET_REACH))
    return start, end


def _relation_ends(item: ReviewItem, view: StoredDocument) -> list[dict[str, Any]]:
    """Mentions a relation's ends can be moved to: those in the sentences the relation spans."""
    if item.kind != "relation":
        return []
    start, end, _ = _spans(item)
    return [e for e in view.entities if start <= e["start"] and e["end"] <= end]


def _read_correction(item: ReviewItem, form) -> dict[str, Any]:
    """The fields of the correction form that differ from what was extracted."""
    original, out = item.original, {}

    def changed(name: str, value: Any) -> None:
        if value != original.get(name):
            out[name] = value

    if item.kind == "mention":
        changed("label", form.get("c_label", original["label"]))
        changed("start", _number(form.get("c_start"), int, "start") if form.get("c_start") else original["start"])
        changed("end", _number(form.get("c_end"), int, "end") if form.get("c_end") else original["end"])
        changed("norm", re.split(r"[\s,;]+", form.get("c_norm", "").strip()) if form.get("c_norm", "").strip() else [])
        changed("concept", form.get("c_concept", "").strip() or None)
    elif item.kind == "relation":
        changed("label", form.get("c_label", original["label"]))
        for end_name in ("head", "tail"):
            match = re.fullmatch(r"(\d{1,12})-(\d{1,12})", form.get(f"c_{end_name}", ""))
            if match:
                changed(end_name, [int(match[1]), int(match[2])])
    else:
        for name, kind in (("event", str), ("grade", str), ("arm", str), ("n", int), ("total", int),
                           ("percent", float)):
            raw = form.get(f"c_{name}", "").strip()
            changed(name, _number(raw, kind, name) if raw else None)
    return out


def _number(raw: str, kind: type, name: str) -> Any:
    """A corrected field: text as given, a number only when it is a finite one of at most 30 characters."""
    if kind is str:
        return raw
    try:
        value = kind(raw) if len(raw) <= 30 else None
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise InvalidCorrection(f"{name} must be a number, not {raw[:40]!r}")
    return value


def serve(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded HTTP server for `app` (call `serve_forever()`; port 0 picks a free one)."""
    return make_server(host, port, app, threaded=True)
