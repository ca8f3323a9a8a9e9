"""Fitted fusion weights kept on disk, so a restart doesn't repeat the out-of-fold fit.

The file is keyed by a digest of everything the fit reads: the engine's code, the encoder,
every training text with its classes, and the knowledge the lexical signals come from. Any
change means a new fit. Plain arrays only (``allow_pickle=False``); a damaged or unwritable
file only means fitting again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.engine.knowledge import KnowledgeBase
from bot.engine.semantic.decision import Fusion, TrainingRow, fusion_shapes_fit

ENGINE_CODE = Path(__file__).resolve().parent.parent
KEPT_FITS = 16
"""Fits kept in the cache directory by builds that don't prune (one per knowledge base and
held-out set an evaluation uses); the running bot keeps only its own (:func:`drop_other_fits`)."""
LEXICAL_SECTIONS = (
    "entries",
    "synonyms",
    "safety_tiers",
    "not_covered",
    "word_groups",
    "exercise_cues",
)
"""The knowledge the lexical scores of the examples depend on."""


def fit_digest(knowledge: KnowledgeBase, rows: Sequence[TrainingRow], fingerprint: str) -> str:
    """A digest of every input of the fusion fit."""
    digest = hashlib.sha256(fingerprint.encode())
    for path in sorted([*ENGINE_CODE.rglob("*.py"), *ENGINE_CODE.glob("*.txt")]):
        digest.update(path.relative_to(ENGINE_CODE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    texts = [
        [row.text, list(row.targets), Path(row.group).name if row.group else ""] for row in rows
    ]
    digest.update(json.dumps(texts, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    for section in LEXICAL_SECTIONS:
        digest.update(repr(getattr(knowledge, section)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _path(directory: Path, digest: str) -> Path:
    return directory / f"fusion-{digest[:32]}.npz"


def read_fusion(directory: Path | None, digest: str) -> Fusion | None:
    """The weights fitted on exactly these inputs, if they were kept (and look whole)."""
    if directory is None:
        return None
    try:
        with np.load(_path(directory, digest), allow_pickle=False) as stored:
            fusion = Fusion(
                answer=stored["answer"].astype(np.float64),
                red_flag=stored["red_flag"].astype(np.float64),
                examples_key=str(stored["examples_key"]),
            )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    return fusion if fusion_shapes_fit(fusion) else None


def write_fusion(directory: Path | None, digest: str, fusion: Fusion) -> None:
    """Keep the weights for the next start (silently skipped where it can't be written)."""
    if directory is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".npz.tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(
                file,
                answer=fusion.answer,
                red_flag=fusion.red_flag,
                examples_key=np.array(fusion.examples_key),
            )
        os.replace(temporary, _path(directory, digest))
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return
    _prune(directory)


def _prune(directory: Path) -> None:
    """Keep the newest :data:`KEPT_FITS` fits; older ones are for knowledge long gone."""
    try:
        fits = sorted(directory.glob("fusion-*.npz"), key=lambda path: -path.stat().st_mtime)
        for old in fits[KEPT_FITS:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def drop_other_fits(directory: Path | None, digest: str) -> None:
    """Delete every kept fit but the one for ``digest``: the running bot needs no other."""
    if directory is None:
        return
    try:
        for fit in directory.glob("fusion-*.npz"):
            if fit != _path(directory, digest):
                fit.unlink(missing_ok=True)
    except OSError:
        return
