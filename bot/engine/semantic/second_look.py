"""The alarm's second look: whether a message naming a red-flag phrase really affirms it.

Context rules read "no swelling" as denied, but members deny, date and lend symptoms away in
more ways than rules can hold ("Knee swelling? nope.", "dislocated my kneecap in school, fine
for a decade", "saw a footballer on tv, knee went sideways"). A logistic regression on the
message's sentence embedding, fitted on the labelled messages that name a red-flag phrase
(the knowledge base's context examples among them), gives the chance that such a message is
a red flag. It may only turn a firm safety reply into a screening question, never silence
one: recall never rests on it. It reads the vector the message's one forward pass gave.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.engine.semantic.encoder import Vectors
from bot.engine.semantic.fitting import logistic_weights, sigmoid, with_bias


@dataclass(frozen=True)
class SecondLook:
    """Weights that read a message's vector as the chance that its red-flag phrase is one."""

    weights: np.ndarray

    @classmethod
    def fit(cls, vectors: Vectors, red_flags: Sequence[bool]) -> SecondLook | None:
        """Fit on labelled messages that name a red-flag phrase: ``red_flags`` says which are.

        None when they are all one kind: nothing to learn the difference from.
        """
        targets = np.array(red_flags, dtype=np.float64)
        if len(set(red_flags)) < 2:
            return None
        return cls(logistic_weights(with_bias(vectors).astype(np.float64), targets))

    def chance(self, vector: np.ndarray) -> float:
        """The chance that a message with this vector, naming a red-flag phrase, is a red flag."""
        return sigmoid(float(with_bias(vector[None, :]).astype(np.float64)[0] @ self.weights))
