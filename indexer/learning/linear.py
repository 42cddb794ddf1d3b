"""Sparse linear models: fitted with scikit-learn when training, applied with plain Python.

Features are named (`{"w:budget": 1.0, "cue:sector-reform": 2.3}`), so a model is a mapping
from feature name to weight plus a bias, stored as JSON; applying it needs no scikit-learn
and explaining it is a sum of named contributions. Fitting is deterministic (liblinear, fixed
seed, features in sorted order).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Features = Mapping[str, float]

ROUND = 6          # decimals kept in model files (smaller files, same decisions)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A binary linear model: score = bias + sum(weight[f] * value[f])."""

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0

    def score(self, features: Features) -> float:
        """Return the decision value (log-odds) of `features`."""
        w = self.weights
        return self.bias + sum(w.get(k, 0.0) * v for k, v in features.items())

    def probability(self, features: Features) -> float:
        """Return the logistic of `score(features)`."""
        return _sigmoid(self.score(features))

    def contributions(self, features: Features) -> dict[str, float]:
        """Return each feature's share of the score (weight x value), zero shares left out."""
        w = self.weights
        return {k: w[k] * v for k, v in features.items() if k in w and w[k] * v != 0.0}

    def to_json(self) -> dict:
        return {"bias": round(self.bias, ROUND),
                "weights": {k: round(v, ROUND) for k, v in sorted(self.weights.items())
                            if round(v, ROUND) != 0.0}}

    @classmethod
    def from_json(cls, data: Mapping) -> "LinearModel":
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _matrix(rows: Sequence[Features]):
    """Return (scipy CSR matrix, feature names) for `rows`, columns in sorted name order."""
    from scipy.sparse import csr_matrix       # training only: not needed to apply a model
    names = sorted({k for r in rows for k in r})
    col = {k: i for i, k in enumerate(names)}
    data, indices, indptr = [], [], [0]
    for r in rows:
        for k in sorted(r, key=col.__getitem__):
            data.append(float(r[k]))
            indices.append(col[k])
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), len(names))), names


def fit_binary(rows: Sequence[Features], labels: Sequence[bool], *, c: float = 1.0,
               balanced: bool = True, sample_weight: Sequence[float] | None = None) -> LinearModel:
    """Return an L2 logistic regression of `labels` on `rows` (deterministic).

    With only one class present the model is a constant (bias +-4, no weights).
    """
    if len(rows) != len(labels):
        raise ValueError("rows and labels differ in length")
    positives = sum(bool(y) for y in labels)
    if positives in (0, len(labels)):
        return LinearModel({}, 4.0 if positives else -4.0)
    from sklearn.linear_model import LogisticRegression
    x, names = _matrix(rows)
    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced" if balanced else None,
                               random_state=0, max_iter=1000)
    model.fit(x, [int(bool(y)) for y in labels], sample_weight=sample_weight)
    coef = model.coef_[0]
    return LinearModel({n: float(coef[i]) for i, n in enumerate(names) if coef[i] != 0.0},
                       float(model.intercept_[0]))


def fit_one_vs_rest(rows: Sequence[Features], labels: Sequence[str], classes: Sequence[str], *,
                    c: float = 1.0, balanced: bool = True) -> dict[str, LinearModel]:
    """Return one binary model per class of `classes` (a class never seen gets a constant)."""
    return {k: fit_binary(rows, [y == k for y in labels], c=c, balanced=balanced) for k in classes}


def best_class(models: Mapping[str, LinearModel], features: Features) -> tuple[str, float]:
    """Return (class, score) of the highest-scoring model; ties go to the first class."""
    best, best_score = "", -math.inf
    for k, m in models.items():
        s = m.score(features)
        if s > best_score:
            best, best_score = k, s
    return best, best_score
