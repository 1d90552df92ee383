"""Readers: turn files into items of the normalised post format, one row at a time.

Each reader yields `RawItem`s lazily, so files of any size stream through in constant
memory. A row that cannot even be parsed becomes an item with an error, never an
exception: the rest of the file still goes in.
"""

from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.sources import SOURCES, DataSource, read_source

__all__ = ["SOURCES", "DataSource", "RawItem", "read_source"]
