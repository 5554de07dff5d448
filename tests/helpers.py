"""Helpers for tests: entities placed by hand on blank pipelines, a web app served in a thread."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from spacy.tokens import Doc, Span


def set_entities(doc: Doc, mentions: list[tuple[str, str]]) -> Doc:
    """Mark the first occurrence (after the previous mention) of each `(text, label)` as an entity."""
    spans, cursor = [], 0
    for text, label in mentions:
        start = doc.text.index(text, cursor)
        span = doc.char_span(start, start + len(text), label=label)
        assert span is not None, f"{text!r} does not align with tokens"
        spans.append(span)
        cursor = start + len(text)
    doc.ents = spans
    return doc


def find_entity(doc: Doc, text: str) -> Span:
    matches = [e for e in doc.ents if e.text == text]
    assert matches, f"no entity {text!r} among {[(e.text, e.label_) for e in doc.ents]}"
    return matches[0]


@contextmanager
def serving(app, port: int = 0) -> Iterator[str]:
    """A Flask app on 127.0.0.1 and `port` (0: a free one), served in a thread as the commands serve it;
    yields its base URL."""
    from pipeline.review.app import serve

    server = serve(app, "127.0.0.1", port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
