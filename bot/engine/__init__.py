"""The answer engine: knowledge base, matching, triage and replies. Never imports discord."""

from bot.engine.engine import Engine
from bot.engine.knowledge import KnowledgeBase
from bot.engine.loader import Issue, KnowledgeError, load_knowledge
from bot.engine.model import Entry
from bot.engine.reply import DISCLAIMER, Outcome, Reply, Topic
from bot.engine.semantic.setup import SemanticOptions, open_embeddings
from bot.engine.thresholds import Thresholds

__all__ = [
    "DISCLAIMER",
    "Engine",
    "Entry",
    "Issue",
    "KnowledgeBase",
    "KnowledgeError",
    "Outcome",
    "Reply",
    "SemanticOptions",
    "Thresholds",
    "Topic",
    "load_knowledge",
    "open_embeddings",
]
