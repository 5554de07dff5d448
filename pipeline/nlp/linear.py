"""A logistic model over feature names, as TrialGraph's small trained checks store it.

The file is gzipped JSON: `weights` (feature name -> weight), `bias`, a decision `threshold` and the
training record beside them. `trialgraph train` fits these with scikit-learn (pipeline/train/linear.py);
at run time only this module is needed.
"""
from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import ModelMissingError
from pipeline.resources import model_path


SAVED_MODEL = "model.json.gz"


class LinearModel:
    """`probability(features)` = sigmoid(bias + the weights of the distinct features present)."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights, self.bias, self.threshold = weights, bias, threshold

    @classmethod
    def load(cls, path: str | Path, train_hint: str) -> LinearModel:
        """The model at `path` (relative paths are under models/); `train_hint` says how to build it."""
        path = model_path(path)
        if not path.exists():
            raise ModelMissingError(f"no trained model at {path}: run `{train_hint}` to build it")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        return cls(data["weights"], data["bias"], data["threshold"])

    def to_disk(self, folder: Path) -> None:
        """Writes the model into a saved component's folder (`from_disk` reads it back)."""
        self.save(Path(folder) / SAVED_MODEL, {})

    @classmethod
    def from_disk(cls, folder: Path, train_hint: str) -> LinearModel:
        return cls.load(Path(folder) / SAVED_MODEL, train_hint)

    def save(self, path: Path, record: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {**record, "bias": self.bias, "threshold": self.threshold, "weights": self.weights}
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            json.dump(data, handle, sort_keys=True)

    def weight(self, features: Iterable[str]) -> float:
        """The summed weights of the distinct features, in their given order (a set's order changes with
        the process's hash seed, and so would the float sum's last bits between batch workers)."""
        return sum(self.weights.get(f, 0.0) for f in dict.fromkeys(features))

    def probability(self, features: Iterable[str], shared_weight: float = 0.0) -> float:
        """sigmoid(bias + weight(features) + shared_weight); `shared_weight` is the `weight` of further
        features, none among `features`, that many calls share (a sentence's words), summed once."""
        score = self.bias + self.weight(features) + shared_weight
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def bucket(value: int, edges: tuple[int, ...]) -> str:
    """The first edge `value` does not exceed, as a feature value ("3"), or ">last"."""
    return str(next((e for e in edges if value <= e), f">{edges[-1]}"))
