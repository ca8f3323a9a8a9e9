"""Load a knowledge directory: a new base, or every problem at its ``file:line``.

By stage: :mod:`.files` (which files a directory is made of, and which are refused),
:mod:`.parse` (one file read and validated on its own), :mod:`.hints` (a validation error in
a moderator's words, with :mod:`.expected` finding what belongs where it points),
:mod:`.crosscheck` (the checks between records and files) and :mod:`.load` (all of them in
order); :mod:`.issues` is how each problem is reported.
"""

from bot.engine.loader.files import EXAMPLES_DIR, LABELS_FILE, LEARNED_FILE, KnowledgeSource
from bot.engine.loader.issues import Issue, KnowledgeError
from bot.engine.loader.load import load_knowledge
from bot.engine.loader.parse import read_knowledge_file

__all__ = [
    "EXAMPLES_DIR",
    "LABELS_FILE",
    "LEARNED_FILE",
    "Issue",
    "KnowledgeError",
    "KnowledgeSource",
    "load_knowledge",
    "read_knowledge_file",
]
