"""One document's extraction: text annotations (mentions, relations) plus the facts read from its tables and,
for a registry record, its registered interventions, conditions and outcomes; and the drugs its paper tables name
(prior therapy, baseline), found by the same pipeline.

This is the per-document unit of work of a batch run; its result is what `Store.save` takes. A text longer
than `piece_characters` is annotated in pieces (`pipeline.nlp.pieces`), so memory stays bounded.
"""
from __future__ import annotations

from typing import Any

from spacy.language import Language

from pipeline.document import Document
from pipeline.limits import DocumentLimits
from pipeline.nlp.language import annotate_document
from pipeline.nlp.pieces import annotate_in_pieces
from pipeline.nlp.serialize import doc_annotations
from pipeline.records import Mention, Relation
from pipeline.tables import registry_facts, table_facts
from pipeline.tables.mentions import table_cell_mentions

PIECE_CHARACTERS = DocumentLimits().piece_characters


def extract_document(nlp: Language, document: Document, piece_characters: int = PIECE_CHARACTERS) -> dict[str, Any]:
    """`{"entities", "relations", "facts", "words"}` for one document: tuples of `pipeline.records` (`Mention`,
    `Relation`, facts) and the number of words."""
    if len(document.text) > piece_characters:
        annotations, words = annotate_in_pieces(nlp, document, piece_characters)
    else:
        doc = annotate_document(nlp, document)
        annotations = doc_annotations(doc)
        words = sum(1 for token in doc if not token.is_space and not token.is_punct)
    return {
        "entities": tuple(Mention.from_dict(entity) for entity in annotations["entities"]),
        "relations": tuple(Relation.from_dict(relation) for relation in annotations["relations"]),
        "facts": (*table_facts(document), *registry_facts(document), *table_cell_mentions(nlp, document)),
        "words": words,
    }
