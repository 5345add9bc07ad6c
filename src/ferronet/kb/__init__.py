"""The curated knowledge base of ferroptosis in cancer drug resistance (every record cited).

>>> from ferronet import kb
>>> base = kb.load_kb()
>>> base.resolve("NRF2").id
'NFE2L2'
"""

from ferronet.kb.base import KnowledgeBase, build, load_kb
from ferronet.kb.cite import format_reference, reference_url, short_citation
from ferronet.kb.ferrdb import conflicts, import_ferrdb
from ferronet.kb.objects import Entity, Interaction, NRF2Target, Reference, Strategy
from ferronet.kb.store import connect

__all__ = [
    "Entity",
    "Interaction",
    "KnowledgeBase",
    "NRF2Target",
    "Reference",
    "Strategy",
    "build",
    "conflicts",
    "connect",
    "format_reference",
    "import_ferrdb",
    "load_kb",
    "reference_url",
    "short_citation",
]
