"""The names of the pipeline's components, in order, and the version string they make with the code and
`models/` data; importable without loading spaCy, so a batch over unchanged inputs never loads it."""
from __future__ import annotations

import configparser
import json
from collections.abc import Iterable

PIPELINE_CONFIG = "pipeline.cfg"  # under models/: the whole pipeline, read by `build_nlp`


def _pipeline_names() -> tuple[str, ...]:
    """The `[nlp] pipeline` list of models/pipeline.cfg, read without spaCy."""
    from pipeline.resources import model_path

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(model_path(PIPELINE_CONFIG), encoding="utf-8")
    return tuple(json.loads(parser["nlp"]["pipeline"]))


COMPONENTS = _pipeline_names()
# the components that read models trained by `trialgraph train` (models/ner); without them, the lexicon pipeline
TRAINED_COMPONENTS = ("trialgraph_trained_ner", "trialgraph_event_roles", "trialgraph_relation_scorer")


def version_of(component_names: Iterable[str] = COMPONENTS) -> str:
    """Identifies the extraction code and data of a pipeline with these components."""
    from pipeline import __version__
    from pipeline.resources import models_fingerprint

    return f"{__version__}+{models_fingerprint()}:{','.join(component_names)}"
