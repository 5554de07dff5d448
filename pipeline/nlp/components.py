"""The names of the pipeline's components, in order, and the version string they make with the code and
`models/` data; importable without loading spaCy, so a batch over unchanged inputs never loads it."""
from __future__ import annotations

from collections.abc import Iterable

COMPONENTS = (
    "trialgraph_sentences",
    "abbreviation_detector",
    "trialgraph_lexicon",
    "trialgraph_trained_ner",
    "trialgraph_doses",
    "trialgraph_context",
    "trialgraph_event_roles",
    "trialgraph_event_modifiers",
    "trialgraph_endpoint_results",
    "trialgraph_relations",
    "trialgraph_relation_scorer",
    "trialgraph_concepts",
)
# the components that read models trained by `trialgraph train` (models/ner); without them, the lexicon pipeline
TRAINED_COMPONENTS = ("trialgraph_trained_ner", "trialgraph_event_roles", "trialgraph_relation_scorer")


def version_of(component_names: Iterable[str] = COMPONENTS) -> str:
    """Identifies the extraction code and data of a pipeline with these components."""
    from pipeline import __version__
    from pipeline.resources import models_fingerprint

    return f"{__version__}+{models_fingerprint()}:{','.join(component_names)}"
