"""Fit a `LinearModel` (pipeline/nlp/linear.py): scikit-learn's logistic regression over feature names."""
from __future__ import annotations

from collections.abc import Sequence

from pipeline.nlp.linear import LinearModel

SEED = 0
_PRUNE_BELOW = 1e-4  # weights closer to zero are left out of the saved model


def fit_linear(features: Sequence[list[str]], labels: Sequence[bool], regularization: float = 1.0) -> LinearModel:
    """A logistic model of `labels` given each example's feature names (threshold 0.5; fixed seed)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        raise ValueError(f"cannot fit a model on {len(labels)} examples of one class only: the training texts need "
                         "both positive and negative examples")
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for f in features])
    classifier = LogisticRegression(C=regularization, max_iter=2000, random_state=SEED)
    classifier.fit(x, list(labels))
    weights = {name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), classifier.coef_[0])
               if abs(w) >= _PRUNE_BELOW}
    return LinearModel(weights, round(float(classifier.intercept_[0]), 4), 0.5)
