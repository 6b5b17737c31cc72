"""Opening a workbook and reading its cells, every problem told with the cell it is in.

Cells are read with python-calamine (Rust, fast, and it reads the value a formula last
computed, which Excel and LibreOffice store in the file). Calamine cannot tell a formula
that was never computed (a file written by a script, never opened in Excel) from an empty
cell, so the sheet XML is scanned for formula cells without a stored value; only sheets
that hold a formula at all are scanned. Hidden rows and columns are read like any other.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn
from xml.etree import ElementTree

import python_calamine

from sim.i18n import ENGLISH, Messages
from sim.io.errors import ScenarioError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<v>[^<]+</v>")
#: The largest ``.xlsx`` file read (the example ward's workbook is about 30 KB).
MAX_FILE_BYTES = 20_000_000
#: The most the members of the zip archive may hold unpacked, all together.
MAX_UNPACKED_BYTES = 200_000_000
#: A member unpacking to more than :data:`RATIO_FROM_BYTES` may be at most this many times
#: its packed size (a zip bomb is thousands of times; a real sheet is 5 to 20 times).
MAX_RATIO = 100
RATIO_FROM_BYTES = 5_000_000
#: Rows in one sheet (a ward's task mapping has a few hundred).
MAX_ROWS = 100_000
#: Columns in one sheet: up to ``ZZ``; a cell in column ``AAA`` or beyond is refused.
MAX_COLUMNS = 702
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"  # <row> or, from some writers, <x:row>
_DIMENSION = re.compile(_PREFIX + rb'dimension\b[^>]*\bref="\$?([A-Z]+)?\$?([0-9]+)?'
                                  rb'(?::\$?([A-Z]+)\$?([0-9]+))?"')
_ROW = re.compile(rb"<[A-Za-z_][\w.-]*:row(?=[\s>/])")  # a prefixed <x:row>
#: A row or cell far down (a row number of six digits or more) or a cell in column AAA+.
_FAR = re.compile(_PREFIX + rb'(?:row|c)\s[^>]*?\br="(?:([A-Z]{3})|[A-Z]{0,2}0*([1-9][0-9]{5,}))')
_CHUNK = 1 << 20
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def column_letter(col: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


@dataclass
class Sheet:
    """One sheet's cells as a grid (row 0 is Excel's row 1), and where they are."""

    file: str
    name: str
    rows: list[list[Any]]
    no_cache: frozenset[str] = field(default_factory=frozenset)

    def ref(self, row: int, col: int) -> str:
        """``Oppgaver!F12`` for row 11, column 5."""
        return f"{self.name}!{column_letter(col)}{row + 1}"

    def fail(self, row: int, col: int, message: str) -> NoReturn:
        """Raise the one-line error of a cell."""
        raise ScenarioError(self.file, self.ref(row, col), message)

    def value(self, row: int, col: int | None) -> Any:
        """Return the cell's value: None when empty, text stripped, a formula's stored value."""
        if col is None or row >= len(self.rows) or col >= len(self.rows[row]):
            return None
        value = self.rows[row][col]
        if isinstance(value, str):
            value = value.strip()
        if value == "" or value is None:
            if f"{column_letter(col)}{row + 1}" in self.no_cache:
                self.fail(row, col, "a formula with no computed value stored in the file; open "
                                    "the workbook in Excel or LibreOffice and save it, or type "
                                    "the value")
            return None
        return value

    def filled(self, row: int) -> list[int]:
        """Return the columns of ``row`` that hold a value."""
        if row >= len(self.rows):
            return []
        return [c for c in range(len(self.rows[row])) if self.value(row, c) is not None]

    @property
    def height(self) -> int:
        """Rows in the grid."""
        return len(self.rows)


def open_workbook(path: Path) -> tuple[list[str], dict[str, Sheet]]:
    """Read every sheet of an ``.xlsx`` file; a file that is not one is a one-line error.

    Returns the sheet names in file order and the sheets by name.
    """
    file = str(path)
    if not path.is_file():
        raise ScenarioError(file, "", "file not found")
    data = check_xlsx(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        rows = {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in names}
    except python_calamine.PasswordError:
        raise ScenarioError(file, "", "the workbook is password protected (encrypted); save a "
                                      "copy without a password and read that") from None
    except Exception as err:  # calamine's errors name no common base class
        raise ScenarioError(file, "", f"cannot be read as an Excel workbook (.xlsx), it may be "
                                      f"damaged: {str(err).splitlines()[0]}") from None
    no_cache = _uncomputed_formulas(file, data)
    return names, {n: Sheet(file, n, rows[n], frozenset(no_cache.get(n, ()))) for n in names}


def check_xlsx(path: Path, msg: Messages = ENGLISH) -> bytes:
    """Return the bytes of an ``.xlsx`` file fit to be opened; refuse the rest in one line.

    Every reader of a workbook comes here before calamine opens it (``workbook import``,
    ``validate``/``run``/… on an ``.xlsx`` scenario, ``pilot check``/``calibrate``). The zip
    archive is inspected with :mod:`zipfile`, nothing unpacked to disk: the file size, the
    members' unpacked sizes and ratios (a zip bomb), and each sheet's rows and columns, read
    from its ``<dimension>`` and counted while its XML is streamed (a million-row sheet),
    all against the limits above, so that no reader ever holds more than a bounded amount.
    """
    file = str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError(file, "", msg("workbook.error.file_too_big", size=size / 1e6,
                                          most=MAX_FILE_BYTES / 1e6))
    data = path.read_bytes()
    _check_format(file, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(file, archive, msg)
            for name, part in _sheet_parts(archive).items():
                _check_sheet(file, archive, name, part, msg)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ScenarioError(file, "", "not an Excel workbook (.xlsx): the file is damaged "
                                      f"(a broken zip archive: {reason})") from None
    return data


def _check_members(file: str, archive: zipfile.ZipFile, msg: Messages) -> None:
    """Refuse an archive that unpacks to too much, or a member packed absurdly tight."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > RATIO_FROM_BYTES and \
                info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ScenarioError(file, "", msg(
                "workbook.error.zip_ratio", member=info.filename[:80],
                size=info.file_size / 1e6, ratio=info.file_size / max(info.compress_size, 1),
                most=MAX_RATIO))
    if total > MAX_UNPACKED_BYTES:
        raise ScenarioError(file, "", msg("workbook.error.zip_total", size=total / 1e6,
                                          most=MAX_UNPACKED_BYTES / 1e6))


def _check_sheet(file: str, archive: zipfile.ZipFile, name: str, part: str,
                 msg: Messages) -> None:
    """Refuse a sheet with more than :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns.

    The sheet XML is streamed in 1 MB pieces: its ``<dimension ref="A1:K400">`` (which
    Excel, LibreOffice and XlsxWriter write first) is checked, and the ``<row>`` elements
    are counted and the numbers of rows and cells read, stopping at the first piece over a
    limit.
    """
    try:
        stream = archive.open(part)
    except KeyError:
        return
    rows = last = 0
    tail = b""
    with stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            if not rows and not last and (dim := _DIMENSION.search(text)):
                cols = (dim.group(3) or dim.group(1) or b"A").decode("ascii")
                last = int((dim.group(4) or dim.group(2) or b"1")[:12])
                if _column_number(cols) > MAX_COLUMNS:
                    raise ScenarioError(file, name, msg("workbook.error.too_many_columns",
                                                        column=cols[:8], most=MAX_COLUMNS))
            rows += _count_rows(text) - _count_rows(tail)
            for wide, far in _FAR.findall(text):
                if wide:
                    raise ScenarioError(file, name, msg("workbook.error.too_many_columns",
                                                        column="AAA", most=MAX_COLUMNS))
                last = max(last, int(far[:12]))
            if max(rows, last) > MAX_ROWS:
                raise ScenarioError(file, name, msg("workbook.error.too_many_rows",
                                                    most=MAX_ROWS))
            tail = text[-4096:]  # a tag cut in two by the pieces is read whole


def _count_rows(text: bytes) -> int:
    """Count the ``<row>`` elements in a piece of sheet XML (``<x:row>`` as well)."""
    plain = text.count(b"<row ") + text.count(b"<row>") + text.count(b"<row/")
    return plain + (len(_ROW.findall(text)) if b":row" in text else 0)


def _column_number(letters: str | bytes) -> int:
    """Return the number of a column: ``A`` -> 1, ``ZZ`` -> 702."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    out = 0
    for ch in letters[:8]:
        out = out * 26 + ord(ch) - 64
    return out


def _check_format(file: str, data: bytes) -> None:
    """Refuse, in one line, what is not an Office Open XML workbook."""
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise ScenarioError(file, "", "the workbook is password protected (encrypted); save "
                                          "a copy without a password and read that")
        raise ScenarioError(file, "", "an old Excel 97-2003 (.xls) file; save it as an Excel "
                                      "workbook (.xlsx)")
    if not data.startswith(b"PK"):
        text = data[:2000]
        kind = "a text file (a CSV file renamed?)" if _is_text(text) else "not a zip file"
        raise ScenarioError(file, "", f"not an Excel workbook (.xlsx): {kind}; open it in "
                                      "Excel or LibreOffice and save it as .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except zipfile.BadZipFile:
        raise ScenarioError(file, "", "not an Excel workbook (.xlsx): the file is damaged "
                                      "(a broken zip archive)") from None
    if "xl/workbook.xml" not in names:
        kind = "an OpenDocument file (.ods?)" if b"opendocument" in mimetype else \
            "a zip archive without an Excel workbook in it"
        raise ScenarioError(file, "", f"not an Excel workbook (.xlsx): {kind}; save it as .xlsx")


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _uncomputed_formulas(file: str, data: bytes) -> dict[str, list[str]]:
    """Per sheet name, the cells holding a formula without a stored value."""
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _sheet_parts(archive)
        for name, part in parts.items():
            try:
                xml = archive.read(part)
            except KeyError:
                continue
            if b"<f" not in xml:
                continue
            for match in _CELL.finditer(xml):
                attrs, body = match.group(1), match.group(2) or b""
                if b"<f" in body and not _VALUE.search(body) and b't="str"' not in attrs:
                    ref = _REF.search(attrs)
                    if ref:
                        out.setdefault(name, []).append(ref.group(1).decode())
    return out


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name", "")] = path
    return out


def as_text(value: Any) -> str:
    """Return a cell value as text: whole numbers without ``.0``, times as ``HH:MM``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
