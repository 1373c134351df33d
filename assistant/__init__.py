"""A bilingual (Arabic/English) retrieval assistant over Arabic news about Syria's armed groups.

    >>> from assistant import ask
    >>> answer = ask("Who trained Liwa al-Quds?")
    >>> answer.citations[0].text  # a verbatim Arabic span, with .start/.end offsets
"""

from .actors import Actor, Relation
from .answer import Answer, Citation
from .api import Assistant, QuestionError, actors, ask, default_assistant, relations
from .chunking import Chunk
from .corpus import Article
from .ingestion import IngestReport
from .settings import Settings, load_settings
from .storage import IndexBusyError, IndexCorruptError, IndexLoadError, IndexMismatchError, IndexMissingError

__all__ = [
    "Actor", "Answer", "Article", "Assistant", "Chunk", "Citation", "IndexBusyError", "IndexCorruptError",
    "IndexLoadError", "IndexMismatchError", "IndexMissingError", "IngestReport", "QuestionError", "Relation",
    "Settings",
    "actors", "ask", "default_assistant", "load_settings", "relations",
]
