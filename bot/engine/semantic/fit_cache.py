"""Fitted weights kept on disk, so a restart doesn't repeat a fit: the fusion, the second look.

Each file is keyed by a digest of everything its fit reads: the engine's code, the encoder,
every training text with its classes, and the knowledge the lexical signals come from (and,
for the second look, the labelled messages it reads). Any change means a new fit. Plain
arrays only (``allow_pickle=False``); a damaged or unwritable file only means fitting again.
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
from bot.engine.model import Example
from bot.engine.semantic.decision import Fusion, TrainingRow, fusion_shapes_fit
from bot.engine.semantic.second_look import SecondLook

FUSION = "fusion"
LOOK = "look"
KINDS = (FUSION, LOOK)
"""The kinds of fit kept, each in files named ``{kind}-{digest}.npz``."""
ENGINE_CODE = Path(__file__).resolve().parent.parent
KEPT_FITS = 16
"""Fits of each kind kept in the cache directory by builds that don't prune (one per knowledge
base and held-out set an evaluation uses); the running bot keeps only its own
(:func:`drop_other_fits`)."""
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


def look_digest(fusion_digest: str, read: Sequence[Example]) -> str:
    """A digest of every input of the second look's fit: the fusion's and the messages read."""
    digest = hashlib.sha256(fusion_digest.encode())
    labelled = [[example.q, example.expect] for example in read]
    digest.update(json.dumps(labelled, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _path(directory: Path, kind: str, digest: str) -> Path:
    return directory / f"{kind}-{digest[:32]}.npz"


def _read(directory: Path | None, kind: str, digest: str) -> dict[str, np.ndarray] | None:
    """The arrays kept for ``digest``, if any (and readable)."""
    if directory is None:
        return None
    try:
        with np.load(_path(directory, kind, digest), allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def read_fusion(directory: Path | None, digest: str) -> Fusion | None:
    """The weights fitted on exactly these inputs, if they were kept (and look whole)."""
    stored = _read(directory, FUSION, digest)
    if stored is None or not {"answer", "red_flag", "examples_key"} <= stored.keys():
        return None
    fusion = Fusion(
        answer=stored["answer"].astype(np.float64),
        red_flag=stored["red_flag"].astype(np.float64),
        examples_key=str(stored["examples_key"]),
    )
    return fusion if fusion_shapes_fit(fusion) else None


def read_second_look(directory: Path | None, digest: str) -> SecondLook | None:
    """The second look fitted on exactly these inputs, if kept (the digest names the encoder)."""
    stored = _read(directory, LOOK, digest)
    weights = stored.get("weights") if stored is not None else None
    if weights is None or weights.ndim != 1 or not weights.size or not np.isfinite(weights).all():
        return None
    return SecondLook(weights.astype(np.float64))


def write_fusion(directory: Path | None, digest: str, fusion: Fusion) -> None:
    """Keep the fusion weights for the next start (skipped where it can't be written)."""
    arrays = {
        "answer": fusion.answer,
        "red_flag": fusion.red_flag,
        "examples_key": np.array(fusion.examples_key),
    }
    _write(directory, FUSION, digest, arrays)


def write_second_look(directory: Path | None, digest: str, look: SecondLook) -> None:
    """Keep the second look's weights for the next start."""
    _write(directory, LOOK, digest, {"weights": look.weights})


def _write(directory: Path | None, kind: str, digest: str, arrays: dict[str, np.ndarray]) -> None:
    """Write one fit's arrays atomically (silently skipped where it can't be written)."""
    if directory is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".npz.tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, _path(directory, kind, digest))
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return
    _prune(directory, kind)


def _prune(directory: Path, kind: str) -> None:
    """Keep the newest :data:`KEPT_FITS` fits of a kind; older ones are for knowledge long gone."""
    try:
        fits = sorted(directory.glob(f"{kind}-*.npz"), key=lambda path: -path.stat().st_mtime)
        for old in fits[KEPT_FITS:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def drop_other_fits(directory: Path | None, digests: dict[str, str]) -> None:
    """Delete every kept fit but those ``digests`` name (kind -> digest).

    The running bot needs no other.
    """
    if directory is None:
        return
    kept = {_path(directory, kind, digest) for kind, digest in digests.items()}
    try:
        for kind in KINDS:
            for fit in directory.glob(f"{kind}-*.npz"):
                if fit not in kept:
                    fit.unlink(missing_ok=True)
    except OSError:
        return
