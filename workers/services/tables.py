"""Spreadsheets as a stream of rows (CSV or XLSX), and what every import shares: the report,
the cell helpers and the progress log.

A file is never held in memory whole: a CSV is read twice from disk (once to count its rows
and settle the encoding, once to import), an XLSX through openpyxl's read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import structlog

from models.names import fold

log = structlog.get_logger(__name__)

Records = Iterator[tuple[int, dict[str, Any]]]
Progress = Callable[[int, int], None]
"""Told (rows done, rows in the file) as an import goes."""

_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")
_SNIFF_CHARS = 4096
_NUMERIC_DATE = re.compile(r"([0-9]{1,4})([-/.])([0-9]{1,2})\2([0-9]{1,4})")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class Rejection:
    """A row that was not imported, and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    """Rows imported with something worth a look (a topic drafts will leave out)."""

    def count(self, outcome: str) -> None:
        """Count one row as created, updated or unchanged."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def in_line_order(self) -> ImportReport:
        """The report with its rejections and warnings sorted by line (batches finish out
        of order when a batch is retried row by row)."""
        self.rejected.sort(key=lambda r: r.line)
        self.warnings.sort(key=lambda r: r.line)
        return self


def read_table(
    path: Path,
    headers: Mapping[str, str],
    *,
    required: Sequence[str],
    one_of: Sequence[str] = (),
    missing: str = "",
) -> tuple[int, Records]:
    """Any spreadsheet whose header cells map (folded) through ``headers`` to field names:
    its number of data rows and a lazy iterator of (line number, {field: value}). Every
    ``required`` column must be there, and one of ``one_of`` at least (else ``missing``)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        total, rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        total, rows = _csv_rows(path)
    else:
        raise ImportFileError(f"{path.name}: expected a .csv or .xlsx file")
    first = next(rows, None)
    if first is None:
        raise ImportFileError(f"{path.name} is empty")
    columns = _map_header([str(h or "") for h in first[1]], headers, required)
    if one_of and not set(one_of) & set(columns.values()):
        raise ImportFileError(missing)
    return total, _records(rows, sorted(columns.items()))


def _records(rows: Iterator[tuple[int, list[Any]]], columns: list[tuple[int, str]]) -> Records:
    for line, values in rows:
        if all(v in (None, "") for v in values):
            continue
        width = len(values)
        yield line, {name: values[i] for i, name in columns if i < width}


def _csv_rows(path: Path) -> tuple[int, Iterator[tuple[int, list[Any]]]]:
    """The number of data rows and the rows; UTF-16 with its BOM (Excel's "Unicode text"),
    UTF-8 (with or without BOM), else cp1252. The counting pass reads every row, so a file
    the CSV reader refuses (a quote that never closes makes one cell of the rest of the
    file) is refused whole, with its line, before anything is imported."""
    with path.open("rb") as head:
        start = head.read(2)
    utf16 = start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        try:
            with path.open(encoding=encoding, newline="") as counting:
                dialect = _dialect(counting.read(_SNIFF_CHARS))
                counting.seek(0)
                reader = csv.reader(counting, dialect)
                total = sum(1 for _ in reader) - 1
        except UnicodeError:
            continue
        except csv.Error as exc:
            raise _unreadable(path, reader.line_num, exc) from exc
        return max(total, 0), _csv_stream(path, encoding, dialect)
    raise ImportFileError(f"{path.name} is neither UTF-8, UTF-16 nor Windows-1252 text")


def _unreadable(path: Path, line: int, exc: csv.Error) -> ImportFileError:
    reason = str(exc)
    if "field larger" in reason:
        reason = f"a cell is over {csv.field_size_limit()} characters (a quote never closed?)"
    return ImportFileError(f"{path.name} line {line}: {reason}")


def _dialect(sample: str) -> Any:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _csv_stream(path: Path, encoding: str, dialect: Any) -> Iterator[tuple[int, list[Any]]]:
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream, dialect)
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:  # the counting pass read the same rows: changed meanwhile
            raise _unreadable(path, reader.line_num, exc) from exc


def _xlsx_rows(path: Path) -> tuple[int, Iterator[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportFileError(f"{path.name} is not a readable .xlsx file: {exc}") from exc
    sheet = book.worksheets[0]
    total = max((sheet.max_row or 1) - 1, 0)  # from the sheet's dimension; 0 when it has none

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        finally:
            book.close()

    return total, rows()


def _map_header(
    header: list[str], headers: Mapping[str, str], required: Sequence[str]
) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        name = headers.get(fold(title))
        if name is not None and name not in columns.values():
            columns[index] = name
    for name in required:
        if name not in columns.values():
            spellings = "/".join(h for h, n in headers.items() if n == name)
            raise ImportFileError(f"the header has no {spellings} column")
    return columns


def parse_date(value: Any) -> date | None:
    """A date from a spreadsheet cell: a date, ISO text or Dutch dd-mm-jjjj."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    found = _quick_date(raw)
    if found is not None:
        return found
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"the date {raw!r} is neither yyyy-mm-dd nor dd-mm-jjjj")


def _quick_date(raw: str) -> date | None:
    """The formats of ``_DATE_FORMATS`` without strptime, which costs ten times as much;
    None when ``raw`` is not plainly one of them (strptime then decides)."""
    numeric = _NUMERIC_DATE.fullmatch(raw)
    if numeric is None:
        return None
    first, separator, month, last = numeric.groups()
    if len(first) == 4 and len(last) <= 2 and separator in "-/":
        year, day = first, last
    elif len(last) == 4 and len(first) <= 2:
        year, day = last, first
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as tidy text (whole floats as integers), or None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = " ".join(str(value).split())
    return cleaned or None


def batched(records: Records, size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """The records in lists of at most ``size``."""
    batch: list[tuple[int, dict[str, Any]]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class ProgressLog:
    """A progress line in the log every ``every`` seconds (counts only, never row values),
    for imports run where no terminal shows a progress bar."""

    def __init__(
        self,
        what: str,
        *,
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what, self.every, self.clock = what, every, clock
        self.started = self.last = clock()
        self.logged = -1

    def __call__(self, done: int, total: int) -> None:
        """Log the progress when the last line is ``every`` seconds old, and at the end."""
        now = self.clock()
        if done == self.logged or (now - self.last < self.every and done < total):
            return
        self.last, self.logged = now, done
        elapsed = max(now - self.started, 1e-9)
        log.info(
            "import.progress",
            what=self.what,
            rows=done,
            total=total,
            rows_per_s=round(done / elapsed),
        )
