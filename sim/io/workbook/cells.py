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

from sim.io.errors import ScenarioError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<v>[^<]+</v>")
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
    data = path.read_bytes()
    _check_format(file, data)
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
