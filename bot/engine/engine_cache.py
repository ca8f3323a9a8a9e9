"""A built engine kept on disk, so a cold ``python -m bot ask`` skips validation and indexing.

The cache file of a knowledge directory is keyed by everything a build reads: the knowledge
files, the engine's own code and word lists, and the Python version. Any change means a
rebuild. A missing, stale or damaged cache file costs only a rebuild, and a cache directory
that can't be written is simply not used. The files are written only by this module, in a
directory only the user can read, because restoring one unpickles it.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

from bot.engine.engine import Engine, Thresholds
from bot.engine.loader import knowledge_files

ENGINE_CODE = Path(__file__).parent
KEY_BYTES = 32


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/movement-bot``, or ``~/.cache/movement-bot``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "movement-bot"


def build_key(directory: Path) -> bytes:
    """A digest of every input of a build of ``directory``'s engine."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=KEY_BYTES)
    code = sorted([*ENGINE_CODE.glob("*.py"), *ENGINE_CODE.glob("*.txt")])
    for path in [*code, *knowledge_files(directory)]:
        content = path.read_bytes()
        digest.update(f"\0{path.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.digest()


def cache_file(cache_dir: Path, directory: Path) -> Path:
    """Where the engine of ``directory`` is kept: one file per knowledge directory."""
    name = hashlib.blake2b(str(directory.resolve()).encode(), digest_size=12).hexdigest()
    return cache_dir / f"{name}.engine"


def _restore(path: Path, key: bytes, thresholds: Thresholds | None) -> Engine | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:KEY_BYTES] != key:
        return None
    try:
        return Engine.from_snapshot(data[KEY_BYTES:], thresholds)
    except Exception:  # a damaged cache file means a rebuild, never a failure
        return None


def _store(path: Path, key: bytes, snapshot: bytes) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(key + snapshot)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def load_engine(
    directory: Path | str, thresholds: Thresholds | None = None, cache_dir: Path | None = None
) -> Engine:
    """The engine for ``directory``, from ``cache_dir`` when nothing it was built from changed.

    Without ``cache_dir`` this is ``Engine.from_directory``. Raises ``KnowledgeError`` for an
    invalid directory, exactly as a build does.
    """
    directory = Path(directory)
    if cache_dir is None or not directory.is_dir():
        return Engine.from_directory(directory, thresholds)
    try:
        key = build_key(directory)
    except OSError:
        return Engine.from_directory(directory, thresholds)
    path = cache_file(cache_dir, directory)
    engine = _restore(path, key, thresholds)
    if engine is None:
        engine = Engine.from_directory(directory, thresholds)
        _store(path, key, engine.snapshot())
    return engine
