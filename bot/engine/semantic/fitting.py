"""The two small models the learned layers fit: ridge regression and logistic regression.

Deterministic and closed-form or Newton's method, in NumPy alone: a fit on the knowledge base
takes well under a second.
"""

from __future__ import annotations

import numpy as np

from bot.engine.semantic.encoder import Vectors

RIDGE_L2 = 1.0
FUSION_L2 = 0.1
NEWTON_STEPS = 30


def with_bias(vectors: Vectors) -> Vectors:
    """``vectors`` with a column of ones, for a model's bias weight."""
    return np.hstack([vectors, np.ones((vectors.shape[0], 1), dtype=np.float32)])


def ridge_weights(gram: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """Weights of a ridge regression from its Gram matrix and cross products (bias unshrunk)."""
    penalty = np.eye(gram.shape[0]) * RIDGE_L2
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    return np.linalg.solve(gram + penalty, cross)


def logistic_weights(features: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Weights of an L2-regularised logistic regression, by Newton's method."""
    weights = np.zeros(features.shape[1])
    for _ in range(NEWTON_STEPS):
        probability = 1.0 / (1.0 + np.exp(-np.clip(features @ weights, -30, 30)))
        gradient = features.T @ (probability - targets) + FUSION_L2 * weights
        curvature = (features * (probability * (1 - probability))[:, None]).T @ features
        weights -= np.linalg.solve(curvature + FUSION_L2 * np.eye(len(weights)), gradient)
    return weights


def sigmoid(value: float) -> float:
    """The logistic function, clipped so that it never overflows."""
    return float(1.0 / (1.0 + np.exp(-np.clip(value, -30, 30))))
