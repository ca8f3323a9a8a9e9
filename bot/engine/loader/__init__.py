"""Load a knowledge directory: a new base, or every problem at its ``file:line``."""

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
