"""One document's extraction: text annotations (mentions, relations) plus the facts read from its tables and,
for a registry record, its registered interventions, conditions and outcomes; and the drugs its paper tables name
(prior therapy, baseline), found by the same pipeline.

This is the per-document unit of work of a batch run; its result is what `Store.save` takes.
"""
from __future__ import annotations

from typing import Any

from spacy.language import Language

from pipeline.document import Document
from pipeline.nlp.language import annotate_document
from pipeline.nlp.serialize import doc_annotations
from pipeline.tables import registry_facts, table_facts
from pipeline.tables.mentions import table_cell_mentions


def extract_document(nlp: Language, document: Document) -> dict[str, Any]:
    """`{"entities", "relations", "facts", "words"}` for one document."""
    doc = annotate_document(nlp, document)
    annotations = doc_annotations(doc)
    annotations["facts"] = table_facts(document) + registry_facts(document) + table_cell_mentions(nlp, document)
    annotations["words"] = sum(1 for token in doc if not token.is_space and not token.is_punct)
    return annotations
