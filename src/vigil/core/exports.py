"""Files people open in a spreadsheet. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel and LibreOffice, so text from records (a name, a note, an address) could run as one
(CSV injection). Every CSV Vigil writes goes through ``csv_writer``, which prefixes such cells with an apostrophe."""
from __future__ import annotations

import csv

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._w = writer

    def writerow(self, row):
        return self._w.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _SafeWriter:
    """``csv.writer`` whose cells can never be read as formulas."""
    return _SafeWriter(csv.writer(stream, **kwargs))
