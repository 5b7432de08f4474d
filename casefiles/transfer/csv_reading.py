"""Reading an uploaded CSV: encoding, delimiter, header checks; every refusal names the row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MAX_CELL = 100_000
csv.field_size_limit(MAX_CELL * 10)


class ImportFileError(ValueError):
    """The whole file is refused (encoding, columns, empty); `messages` are translated."""

    def __init__(self, messages: list[Any]) -> None:
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


def header_key(name: str) -> str:
    """'Sanction type' / 'sanction-type' / ' SANCTION_TYPE ' -> 'sanction_type'."""
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark; anything else is refused with the row named."""
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError([_l("The file is empty.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            [
                _l(
                    "Row %(row)s: the file is not UTF-8 text (it looks like Latin-1 or Windows-1252). "
                    "Save it as “CSV UTF-8” and import it again.",
                    row=row,
                )
            ]
        ) from error


@dataclass
class CsvFile:
    """The decoded rows of a CSV, as dicts keyed by normalised column name, with their spreadsheet row number."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _delimiter(first_line: str) -> str:
    # Spreadsheets set to French save with semicolons.
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_csv(data: bytes, *, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> CsvFile:
    """Decode and parse; refuse missing, unknown or repeated columns, and rows with extra cells."""
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except StopIteration as error:
        raise ImportFileError([_l("The file is empty.")]) from error
    columns = [header_key(h) for h in header]
    problems: list[Any] = []
    known = set(required) | set(optional)
    for name, raw in zip(columns, header, strict=True):
        if name and name not in known:
            problems.append(_l("Unknown column “%(column)s”.", column=raw.strip()))
    for name in required:
        if name not in columns:
            problems.append(_l("Missing column “%(column)s”.", column=name))
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    for name in repeated:
        problems.append(_l("The column “%(column)s” appears more than once.", column=name))
    if problems:
        raise ImportFileError(problems)
    result = CsvFile(columns=columns)
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                problems.append(_l("Row %(row)s has more cells than the header has columns.", row=number))
                continue
            row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns) if name}
            result.rows.append((number, row))
    except csv.Error as error:
        problems.append(_l("Row %(row)s cannot be read as CSV.", row=reader.line_num))
        raise ImportFileError(problems) from error
    if problems:
        raise ImportFileError(problems)
    if not result.rows:
        raise ImportFileError([_l("The file has a header but no rows.")])
    return result


def cell_error(row: int, column: str, message: Any) -> str:
    """'Row 5, column “sanction_date”: …' in the user's language."""
    return _("Row %(row)s, column “%(column)s”: %(message)s", row=row, column=column, message=message)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
