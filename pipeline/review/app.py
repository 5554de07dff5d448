"""The curation web app behind `trialgraph review`: a queue of extracted items, their evidence, and
accept / reject / correct decisions that are stored with who and when; the graph exports follow in the
background (`pipeline.review.exports`), never inside a request, and the queue is an index in the store
(`pipeline.review.index`), never rebuilt per page.

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
import os
import re
import secrets
import socket
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.serving import BaseWSGIServer, make_server

from pipeline.batch.run import STORE_NAME
from pipeline.lexicons import ConceptNormalizer, load_normalizer
from pipeline.records import Mention
from pipeline.review.exports import ExportRefresher
from pipeline.review.index import IndexedItem, ItemIndex
from pipeline.review.queue import CURATOR_EXTRACTOR, PAGE_SIZE, QueueFilter, ReviewItem, document_item
from pipeline.review.relink import candidates, link, relinked
from pipeline.review.render import curie_url, evidence, item_spans, marks_of, segments, table_view
from pipeline.store import Store, StoredDocument
from pipeline.store.agreement import agreement
from pipeline.store.curators import check_password, curator_names
from pipeline.store.curation import (
    CORRECTABLE,
    MAX_LOG_ENTRIES,
    STATUSES,
    Conflict,
    Curation,
    Decision,
    InvalidCorrection,
    apply_decisions,
    correction_of,
    current_values,
    decisions_of,
    mention_key,
    new_mention,
    new_relation,
    relation_key,
    validate_correction,
)

MENTION_LABELS = ("DRUG", "DOSE", "ADVERSE_EVENT", "CONDITION", "ENDPOINT", "DRUG_CLASS")
RELATION_LABELS = ("HAS_ADVERSE_EVENT", "HAS_DOSE", "TREATS", "HAS_ENDPOINT")
DECISIONS = {"accepted": "Accepted", "rejected": "Rejected", "corrected": "Corrected"}
SECRET_KEY_NAME = "review_secret.key"  # in the store folder: sessions outlive a restart
EXPORTS_EXTENSION = "trialgraph_exports"  # app.extensions[...]: the ExportRefresher
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


def secret_key(output_dir: Path) -> bytes:
    """The app's session key, kept in `output_dir` (readable by its owner only) so that open pages, CSRF
    tokens and curators' names survive a restart; made on first use."""
    path = Path(output_dir) / SECRET_KEY_NAME
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) < 32:
            raise RuntimeError(f"{path} holds no usable key ({len(key)} bytes); delete it to make a new one "
                               "(open review pages will need a reload)") from None
        return key
    key = secrets.token_bytes(32)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


def create_app(output_dir: str | Path, curator: str | None = None,
               allowed_hosts: Iterable[str] = LOOPBACK_NAMES) -> Flask:
    """The app over the store in `output_dir`; `curator` is the default name decisions are signed with;
    `allowed_hosts` the host names requests may be addressed to (see `allowed_host_names`). Indexes the
    documents not yet in the review queue before it returns."""
    output_dir = Path(output_dir)
    allowed = frozenset(name.lower().strip("[]") for name in allowed_hosts)
    store_path = output_dir / STORE_NAME
    if not store_path.is_file():
        raise FileNotFoundError(f"no store at {store_path}; run `trialgraph run PATH -o {output_dir}` first")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(output_dir),
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    default_curator = curator or getpass.getuser()
    exports = ExportRefresher(output_dir)
    app.extensions[EXPORTS_EXTENSION] = exports
    normalizer: list[ConceptNormalizer] = []
    normalizer_lock = threading.Lock()
    with Store(store_path) as opened:
        ItemIndex.prepare(opened).sync()
        made = opened.meta("exports") or {}
        if made.get("state") != opened.state():
            exports.request()  # decisions since the last export (a server stopped before its rebuild)

    def store() -> Store:
        if "store" not in g:
            g.store = Store(store_path)
        return g.store

    def index() -> ItemIndex:
        if "index" not in g:
            g.index = ItemIndex(store())
            g.index.sync()  # documents a run stored meanwhile
        return g.index

    def concepts() -> ConceptNormalizer:
        with normalizer_lock:
            if not normalizer:
                normalizer.append(load_normalizer())
            return normalizer[0]

    @app.teardown_appcontext
    def close_store(_: BaseException | None) -> None:
        g.pop("index", None)
        g.pop("documents", None)
        if "store" in g:
            g.pop("store").close()

    def extracted(document_id: str) -> StoredDocument | None:
        """A document as extracted, read once per request."""
        documents = g.setdefault("documents", {})
        if document_id not in documents:
            documents[document_id] = store().document(document_id, curated=False)
        return documents[document_id]

    def find_item(document_id: str, key: str) -> ReviewItem:
        stored = extracted(document_id)
        if stored is None:
            abort(404, f"no document {document_id} in the store; it may have been re-processed")
        item = document_item(stored, Curation(store()).item_decisions(stored.document.source_path, key), key)
        if item is None:
            abort(404, f"no item {key} in document {document_id}")
        return item

    def curated(item: ReviewItem) -> StoredDocument:
        """The document of `item` with every decision on it applied."""
        return apply_decisions(item.stored, decisions_of(store().connection, item.source_path))

    def filter_of(values) -> QueueFilter:
        wanted = QueueFilter.from_args(values)
        try:
            wanted.confidence_limit()
        except ValueError as error:
            abort(400, str(error))
        return wanted

    def decided(item: ReviewItem) -> None:
        """After a decision or undo on `item`: its queue row, then the exports in the background."""
        index().refresh_item(find_item(item.document_id, item.key))
        exports.request()

    @app.before_request
    def check_host() -> None:
        name = _host_name(request.headers.get("Host", ""))
        if name not in allowed:
            abort(400, f"this app answers only requests addressed to {', '.join(sorted(allowed))}, not {name!r}; "
                  "start it with --allowed-host NAME to add a name")

    def accounts() -> bool:
        """Whether the store has named curators, who must log in."""
        return bool(curator_names(store().connection))

    def signer() -> str:
        """The name this request's decisions are signed with: the logged-in curator, else the typed name."""
        return session.get("login", "") if accounts() else session.get("curator", default_curator)

    @app.before_request
    def require_login():
        if request.endpoint in ("login", "favicon", "static") or not accounts():
            return None
        if session.get("login") not in curator_names(store().connection):
            return redirect(url_for("login", next=request.full_path if request.method == "GET" else "/"))
        return None

    @app.route("/login", methods=["GET", "POST"])
    def login():
        """Named curators log in with their password (`trialgraph review --add-curator NAME`)."""
        back = request.values.get("next", "")
        back = back if back.startswith("/") and not back.startswith("//") else url_for("queue")
        if request.method == "POST":
            name = " ".join(request.form.get("name", "").split())
            if check_password(store().connection, name, request.form.get("password", "")):
                session.clear()
                session["login"] = name
                return redirect(back)
            return render_template("login.html", name=name, next=back,
                                   error="unknown curator or wrong password"), 401
        return render_template("login.html", name="", next=back, error=None)

    @app.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"))

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
        return {"csrf_token": session["csrf"], "curator": signer(), "logged_in": session.get("login"),
                "when": _when, "exports": exports.status(), "undo_entry": session.get("undo"),
                "session_decisions": session.get("decided", 0)}

    @app.get("/favicon.ico")
    def favicon():
        return "", 204

    @app.get("/")
    def queue():
        wanted = filter_of(request.args)
        counts = index().counts(wanted)
        pages = max(1, -(-counts.total // PAGE_SIZE))
        page = _number_arg(request.args, "page", 1, 1, MAX_ID)
        page = page if counts.capped else min(page, pages)
        rows = index().page(wanted, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        return render_template(
            "queue.html", rows=rows, filter=wanted, counts=counts.by_status, total=counts.total,
            capped=counts.capped, page=page, pages=pages,
            statuses=STATUSES, labels=index().labels(),
            item_url=lambda i: _item_url(i, wanted), page_url=lambda n: url_for("queue", **wanted.args(), page=n),
        )

    @app.get("/item")
    def item_page():
        item = find_item(request.args.get("doc", ""), request.args.get("key", ""))
        return _render_item(item, filter_of(request.args))

    def _render_item(item: ReviewItem, wanted: QueueFilter, status: int = 200, submitted: Any = None,
                     **extra: Any):
        place = index().place(wanted, item.document_id, item.key)
        view = curated(item)
        current = current_values(item.original, item.decision)
        fields = _form_values(item.kind, current)
        if submitted is not None:  # a refused correction: the form as the curator left it
            fields.update({name: submitted[f"c_{name}"] for name in fields if f"c_{name}" in submitted})
        return render_template(
            "item.html", item=item, fields=fields, current=current,
            evidence=evidence(view, item.kind, current) if item.status != "rejected" else evidence(
                item.stored, item.kind, item.original),
            span_source=evidence(item.stored, item.kind, current) if item.kind != "fact" else None,
            filter=wanted, place=place,
            previous_url=_item_url(place.previous, wanted) if place.previous else None,
            next_url=_item_url(place.next, wanted) if place.next else None,
            candidates=_candidates(item, current, request.args.get("find", "").strip()[:200]), curie_url=curie_url,
            history=Curation(store()).log(item.source_path, item.key), mention_labels=MENTION_LABELS,
            relation_labels=RELATION_LABELS, ends=_relation_ends(item, view, current),
            document_url=_document_url(item, current), queue_url=url_for("queue", **wanted.args()), **extra,
        ), status

    def _candidates(item: ReviewItem, current: dict[str, Any], find: str) -> list[Any]:
        """Identifier candidates from the lexicons for the correction form: of `find` when the curator
        searched, else of what the item says (a mention's text, a fact's event)."""
        if item.kind == "relation":
            return []
        label = current["label"] if item.kind == "mention" else "ADVERSE_EVENT"
        text = item.stored.document.text
        name = find or (text[current["start"] : current["end"]] if item.kind == "mention" else current.get("event") or "")
        return candidates(concepts(), label, name)

    @app.post("/decide")
    def decide():
        item = find_item(request.form.get("doc", ""), request.form.get("key", ""))
        wanted = filter_of(request.form)
        status = request.form.get("decision", "")
        if status not in DECISIONS:
            abort(400, f"decision must be one of {', '.join(DECISIONS)}")
        following = index().after(wanted, item.document_id, item.key)  # the order the curator is working in
        correction = None
        curation = Curation(store())
        try:
            if status == "corrected":
                current = current_values(item.original, item.decision)
                values = _read_correction(item, current, request.form)
                values = relinked(item.kind, current, values, item.stored, concepts())
                correction = validate_correction(item.kind, correction_of(item.original, values, item.kind),
                                                 item.original, curated(item))
            curation.decide(item.source_path, item.key, item.kind, status, item.original,
                            curator=signer(),
                            expected_version=_number_arg(request.form, "version", -1, 0, MAX_ID),
                            correction=correction, comment=request.form.get("comment", ""))
        except Conflict as conflict:
            return _render_item(_with_decision(item, conflict.current), wanted, 409, conflict=conflict.current)
        except InvalidCorrection as error:
            return _render_item(item, wanted, 400, submitted=request.form, error=str(error), error_field=error.field)
        decided(item)
        session["undo"] = curation.log(item.source_path, item.key, limit=1)[0].id
        session["decided"] = session.get("decided", 0) + 1
        flash(f"{DECISIONS[status]} {item.label} “{item.text}”. Backspace undoes it.")
        return redirect(_item_url(following, wanted) if following else url_for("queue", **wanted.args()))

    def _undo(entry_id: int) -> ReviewItem | None:
        """Undo one audit entry; the item it was about, if it is still stored."""
        curation = Curation(store())
        try:
            entry = curation.entry(entry_id)
        except KeyError:
            abort(404, f"no audit entry {entry_id}")
        curation.undo(entry_id, signer())
        document_id = index().document_of(entry.source_path)
        stored = extracted(document_id) if document_id else None
        item = (document_item(stored, curation.item_decisions(entry.source_path, entry.item), entry.item)
                if stored else None)
        if item is not None:
            index().refresh_item(item)
        elif document_id:
            index().remove_item(document_id, entry.item)  # an added item, undone: gone from the queue
        exports.request()
        return item

    @app.post(f"/undo/<int(min=1, max={MAX_ID}):entry_id>")
    def undo(entry_id: int):
        back = request.form.get("next", "")
        back = back if back.startswith("/") and not back.startswith("//") else url_for("audit")
        try:
            _undo(entry_id)
        except Conflict as conflict:
            flash(f"Not undone: {conflict}.", "error")
            return redirect(back)
        flash(f"Undid change {entry_id}.")
        return redirect(back)

    @app.post("/undo-last")
    def undo_last():
        """Backspace: undo this session's last decision and open its item again."""
        wanted = filter_of(request.form)
        entry_id = session.get("undo")
        if not entry_id:
            flash("Nothing to undo: no decision made in this session yet.", "error")
            return redirect(url_for("queue", **wanted.args()))
        try:
            item = _undo(entry_id)
        except Conflict as conflict:
            flash(f"Not undone: {conflict}.", "error")
            return redirect(url_for("queue", **wanted.args()))
        session.pop("undo")
        session["decided"] = max(0, session.get("decided", 0) - 1)
        flash(f"Undid your last decision (change {entry_id}).")
        return redirect(_item_url(item, wanted) if item else url_for("queue", **wanted.args()))

    @app.post("/add")
    def add():
        """A mention or relation the extractor missed, added by the curator as an accepted item."""
        document_id = request.form.get("doc", "")
        wanted = filter_of(request.form)
        stored = extracted(document_id)
        if stored is None:
            abort(404, f"no document {document_id} in the store; it may have been re-processed")
        view = apply_decisions(stored, decisions_of(store().connection, stored.document.source_path))
        kind, label = request.form.get("kind", ""), request.form.get("a_label", "").strip()
        back = find_item(document_id, request.form.get("from_key", ""))
        try:
            if kind == "mention":
                start, end = (_number(request.form.get(f"a_{n}", "").strip(), int, n) for n in ("start", "end"))
                norm = re.split(r"[\s,;]+", request.form.get("a_norm", "").strip())
                concept = request.form.get("a_concept", "").strip() or None
                text = stored.document.text
                if not any(norm) and concept is None and 0 <= start < end <= len(text):
                    found = link(concepts(), label, text[start:end])  # identifiers from the lexicons
                    norm, concept = (list(found.curies), found.name) if found else ([], None)
                mention = new_mention(view, label, start, end, norm, concept)
                key, record = mention_key(mention), mention.to_dict()
            elif kind == "relation":
                ends = []
                for name in ("head", "tail"):
                    match = re.fullmatch(r"(\d{1,12})-(\d{1,12})", request.form.get(f"a_{name}", ""))
                    if not match:
                        raise InvalidCorrection(f"choose the relation's {name} among the mentions", name)
                    ends.append((int(match[1]), int(match[2])))
                record = new_relation(view, label, ends[0], ends[1], CURATOR_EXTRACTOR)
                key = relation_key(label, ends[0], ends[1])
            else:
                abort(400, "kind must be mention or relation")
        except InvalidCorrection as error:
            return _render_item(back, wanted, 400, add_error=str(error), add_kind=kind)
        decisions = Curation(store()).item_decisions(stored.document.source_path, key)
        existing = document_item(stored, decisions, key)
        if existing is not None and existing.status != "pending":
            flash(f"{existing.label} “{existing.text}” is already in the queue ({existing.status}).", "error")
            return redirect(_item_url(existing, wanted))
        if existing is not None and not decisions:
            flash(f"{existing.label} “{existing.text}” was extracted already: accept it here.", "error")
            return redirect(_item_url(existing, wanted))
        curation = Curation(store())
        try:
            curation.decide(stored.document.source_path, key, kind, "accepted", record,
                            curator=signer(),
                            expected_version=decisions[key].version if decisions else 0,
                            comment=request.form.get("comment", "").strip() or "added by a curator")
        except Conflict as conflict:
            return _render_item(back, wanted, 409, conflict=conflict.current)
        item = find_item(document_id, key)
        index().refresh_item(item)
        exports.request()
        session["undo"] = curation.log(item.source_path, key, limit=1)[0].id
        flash(f"Added {item.label} “{item.text}”.")
        return redirect(_item_url(item, wanted))

    @app.post("/exports")
    def refresh_exports():
        exports.request()
        flash("The graph exports are being rebuilt in the background.")
        back = request.form.get("next", "")
        return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("queue"))

    @app.get("/audit")
    def audit():
        """Every change in words, newest first; filtered by curator, paged by `before` (an entry id)."""
        limit = _number_arg(request.args, "limit", 100, 1, MAX_LOG_ENTRIES)
        before = _number_arg(request.args, "before", 0, 1, MAX_ID) or None
        who = " ".join(request.args.get("curator", "").split())[:80] or None
        curation = Curation(store())
        entries = curation.log(limit=limit, curator=who, before=before)
        keys = {(e.source_path, e.item) for e in entries}
        shown = index().describe(keys)
        older = url_for("audit", before=entries[-1].id, limit=limit, **({"curator": who} if who else {})) \
            if len(entries) == limit else None
        return render_template("audit.html", entries=entries, shown=shown, undoable=curation.latest_entries(keys),
                               who=who or "", older=older)

    @app.get("/agreement")
    def agreement_page():
        """Cohen's kappa between every two curators on the items both decided, per item label."""
        return render_template("agreement.html", rows=agreement(store().connection))

    @app.get("/document/<document_id>")
    def document_page(document_id: str):
        view = store().document(document_id)
        if view is None:
            abort(404, f"no document {document_id} in the store")
        text = view.document.text
        focus = set()
        match = re.fullmatch(r"(\d{1,12})-(\d{1,12})", request.args.get("focus", ""))
        if match:
            focus.add((int(match[1]), int(match[2])))
        cell = (request.args.get("table"), _number_arg(request.args, "row", -1, 0, MAX_CELL_INDEX),
                _number_arg(request.args, "column", -1, 0, MAX_CELL_INDEX))
        return render_template(
            "document.html", stored=view, text_segments=segments(text, 0, len(text), marks_of(view.entities), focus),
            tables=[table_view(view.document, t.id) for t in view.document.tables], marked_cell=cell,
        )

    @app.post("/curator")
    def set_curator():
        if accounts():
            abort(403, "curators log in with their own name here; sign out to change who decides")
        name = " ".join(request.form.get("name", "").split())[:80]
        if name:
            session["curator"] = name
        back = request.form.get("next", "")
        return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("queue"))

    return app


def _with_decision(item: ReviewItem, decision: Decision | None) -> ReviewItem:
    return replace(item, decision=decision)


def _item_url(item: ReviewItem | IndexedItem, wanted: QueueFilter) -> str:
    return "/item?" + urlencode({"doc": item.document_id, "key": item.key, **wanted.args()})


def _document_url(item: ReviewItem, values: dict[str, Any]) -> str:
    if item.kind == "fact":
        return f"/document/{item.document_id}?" + urlencode(
            {"table": values["table"], "row": values["row"], "column": values["column"]}) + f"#table-{values['table']}"
    start, end = (values["start"], values["end"]) if item.kind == "mention" else values["tail"]
    return f"/document/{item.document_id}?focus={start}-{end}#m-{start}"


def _relation_ends(item: ReviewItem, view: StoredDocument, values: dict[str, Any]) -> list[Mention]:
    """Mentions a relation's ends can be (moved to, or added between): those in the item's sentences."""
    if item.kind == "fact":
        return []
    start, end, _ = item_spans(item.stored, item.kind, values)
    return [e for e in view.entities if start <= e.start and e.end <= end]


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


def _form_values(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """The correction form's fields filled with an item's values, as text."""
    out = {}
    for name in CORRECTABLE[kind]:
        value = values.get(name)
        if name == "norm":
            out[name] = " ".join(value or [])
        elif name in ("head", "tail"):
            out[name] = f"{value[0]}-{value[1]}"
        elif isinstance(value, float) and value.is_integer():
            out[name] = str(int(value)) if name != "percent" else f"{value:g}"
        else:
            out[name] = "" if value is None else str(value)
    return out


def _read_correction(item: ReviewItem, current: dict[str, Any], form) -> dict[str, Any]:
    """The item's state as the correction form gives it: every correctable field, the form's value where it
    sent one, else the item's `current` (already corrected) value."""
    values = {name: current.get(name) for name in CORRECTABLE[item.kind]}

    def given(name: str) -> str | None:
        raw = form.get(f"c_{name}")
        return None if raw is None else raw.strip()

    def identifiers(raw: str) -> list[str]:
        return re.split(r"[\s,;]+", raw) if raw else []

    if item.kind == "mention":
        for name, read in (("label", str), ("start", int), ("end", int), ("norm", identifiers), ("concept", str)):
            raw = given(name)
            if raw is not None:
                values[name] = read(raw) if read in (str, identifiers) else _number(raw, int, name)
        values["concept"] = values["concept"] or None
    elif item.kind == "relation":
        if given("label") is not None:
            values["label"] = given("label")
        for end_name in ("head", "tail"):
            raw = given(end_name)
            if raw is not None:
                match = re.fullmatch(r"(\d{1,12})-(\d{1,12})", raw)
                if not match:
                    raise InvalidCorrection(f"the {end_name} must be a mention's offsets START-END", end_name)
                values[end_name] = [int(match[1]), int(match[2])]
    else:
        for name, kind in (("event", str), ("grade", str), ("arm", str), ("concept", str), ("n", int), ("total", int),
                           ("percent", float)):
            raw = given(name)
            if raw is not None:
                values[name] = (raw or None) if kind is str else (_number(raw, kind, name) if raw else None)
        if given("norm") is not None:
            values["norm"] = identifiers(given("norm"))
    return values


def _number(raw: str, kind: type, name: str) -> Any:
    """A corrected field: text as given, a number only when it is a finite one of at most 30 characters."""
    if kind is str:
        return raw
    try:
        value = kind(raw) if len(raw) <= 30 else None
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise InvalidCorrection(f"{name} must be a number, not {raw[:40]!r}", name)
    return value


def serve(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded HTTP server for `app` (call `serve_forever()`; port 0 picks a free one)."""
    return make_server(host, port, app, threaded=True)
