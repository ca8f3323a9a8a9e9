"""Files for the bot's user alone: the database and its backups hold members' health data."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600
"""Read and write for the owner, nothing for anyone else."""


def create_private(path: Path) -> None:
    """Create ``path`` empty (or keep what is there) with mode 0600, whatever the umask.

    SQLite opening the file gives the -wal, -shm and -journal files it makes beside it the
    same mode. Raises ``OSError``.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_MODE)
    finally:
        os.close(descriptor)
