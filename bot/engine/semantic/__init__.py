"""The semantic layer: a sentence encoder, its embedding cache, and the learned decision layer."""
