"""vehreg-pos-hotfolder: a POS drops sale files (JSON or CSV) into a folder; they are registered.

Imports only the public API of ``vehreg_sdk``. Run it with ``vehreg pos watch INBOX``.
"""

from .files import CSV_COLUMNS, MalformedFile, parse_sales
from .run import watch
from .watcher import FileOutcome, HotFolder

__all__ = ["CSV_COLUMNS", "FileOutcome", "HotFolder", "MalformedFile", "parse_sales", "watch"]
