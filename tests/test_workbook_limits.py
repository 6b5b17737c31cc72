"""Workbooks too large to open are refused before calamine opens them (issue 11).

A zip bomb, a file over the size limit, a sheet with a million rows (declared in its
``<dimension>``, or really there, or one cell far down) or with a cell far to the right:
one line ``wardsim: error: FILE: …``, exit 2, no traceback, no folder, quickly and in
little memory, for every command that reads an ``.xlsx`` (``workbook import``, ``run``,
``pilot check``, ``calibrate durations``). The files are built in ``tmp_path``, small on
disk: the bombs are a few KB packed.
"""

from __future__ import annotations

import re
import resource
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from workbook_case import save, support_sheets

from sim.cli import main
from sim.io.workbook import cells

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"
TASKS = [["Oppgaven", "Sykepleier sengepost", "Tid", "Behov: Opplæring", "Helsefagarbeider",
          "Tid", "Forslag", "Antall", "Prioritet"],
         ["kl. 07:00 – 09:00"], ["Blodprøver:"],
         ["• Blodprøver", "x", 6, None, None, 8, None, 0.5, "høy"]]
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
        b'schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _workbook(tmp_path: Path) -> Path:
    return save(tmp_path / "good.xlsx", {"Oppgaver": TASKS, **support_sheets()})


def _rezip(tmp_path: Path, parts: dict[str, bytes]) -> Path:
    """Return a copy of a good workbook with ``parts`` replaced or added (packed tight)."""
    good = _workbook(tmp_path)
    path = tmp_path / "mapping.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info, src.read(info.filename))
        for name, data in parts.items():
            dst.writestr(name, data, compresslevel=9)
    return path


def _first_sheet() -> str:
    return "xl/worksheets/sheet1.xml"


def _sheet(body: bytes, dimension: bytes = b"") -> bytes:
    return HEAD + dimension + b"<sheetData>" + body + b"</sheetData></worksheet>"


def zip_bomb(tmp_path: Path) -> Path:
    """Return a workbook holding 20 MB of zeros packed into about 20 KB, as a picture."""
    return _rezip(tmp_path, {"xl/media/image1.png": bytes(20_000_000)})


def bomb_sheet(tmp_path: Path) -> Path:
    """Return the workbook with its task sheet as 10 MB of the same row over and over."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    return _rezip(tmp_path, {_first_sheet(): _sheet(row * (10_000_000 // len(row)))})


def declared_million_rows(tmp_path: Path) -> Path:
    return _rezip(tmp_path, {_first_sheet(): _sheet(
        b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:I1048576"/>')})


def real_rows(tmp_path: Path) -> Path:
    """Return a workbook whose task sheet has 100 001 rows, no ``<dimension>``."""
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>' + b"".join(
        b'<row r="%d"><c><v>1</v></c></row>' % r for r in range(2, 100_002))
    return _rezip(tmp_path, {_first_sheet(): _sheet(body)})


def prefixed_rows(tmp_path: Path) -> Path:
    """Return a workbook whose task sheet has 100 001 empty ``<x:row>`` rows (a prefix)."""
    sheet = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<x:sheetData>" + b"<x:row/>" * 100_001 + b"</x:sheetData></x:worksheet>")
    return _rezip(tmp_path, {_first_sheet(): sheet})


def one_cell_far_down(tmp_path: Path) -> Path:
    return _rezip(tmp_path, {_first_sheet(): _sheet(
        b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>')})


def one_cell_far_right(tmp_path: Path) -> Path:
    return _rezip(tmp_path, {_first_sheet(): _sheet(b'<row r="1"><c r="XFD1"><v>1</v></c></row>')})


CASES: list[tuple[Callable[[Path], Path], str]] = [
    (zip_bomb, r"the part xl/media/image1\.png unpacks to 20 MB, [0-9,]+ times its packed "
               r"size; more than 100 times is refused \(a zip bomb\?\)"),
    (bomb_sheet, r"the part xl/worksheets/sheet1\.xml unpacks to 10 MB, .* \(a zip bomb\?\)"),
    (declared_million_rows, r"Oppgaver: the sheet has more than 100,000 rows"),
    (real_rows, r"Oppgaver: the sheet has more than 100,000 rows"),
    (prefixed_rows, r"Oppgaver: the sheet has more than 100,000 rows"),
    (one_cell_far_down, r"Oppgaver: the sheet has more than 100,000 rows"),
    (one_cell_far_right, r"Oppgaver: the sheet has a cell in column AAA, beyond the 702 "
                         r"columns \(A to ZZ\)"),
]


def _one_line(err: str, path: Path, pattern: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"wardsim: error: {path}: "), err
    assert re.search(pattern, err), err


def _refused_quickly(argv: list[str], path: Path, out: Path, pattern: str,
                     capsys: pytest.CaptureFixture[str]) -> None:
    """Refused in one line, in well under a second, and in little memory.

    Timed without tracemalloc (which slows the regular expressions tenfold), then run again
    under it for the peak of Python's allocations; the growth of the process's peak resident
    size catches a reader's (Rust) allocations as well.
    """
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    assert main(argv) == 2
    seconds = time.perf_counter() - start
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss
    _one_line(capsys.readouterr().err, path, pattern)
    assert not out.exists() and not out.with_name(f".{out.name}.partial").exists()
    assert seconds < 0.5, seconds
    assert grown_kb < 100_000, grown_kb
    tracemalloc.start()
    try:
        assert main(argv) == 2
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    capsys.readouterr()
    assert peak < 40_000_000, peak  # the file is read once; nothing is unpacked whole


@pytest.mark.parametrize(("build", "pattern"), CASES, ids=[c[0].__name__ for c in CASES])
def test_workbook_import_refuses_a_workbook_too_large_to_open(
        build: Callable[[Path], Path], pattern: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = build(tmp_path)
    assert path.stat().st_size < 1_000_000  # small on disk, in tmp_path
    out = tmp_path / "ward"
    _refused_quickly(["workbook", "import", str(path), "-o", str(out / "ward.yaml")], path, out,
                     pattern, capsys)


def test_run_refuses_a_zip_bomb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = zip_bomb(tmp_path)
    out = tmp_path / "results"
    _refused_quickly(["run", str(path), "-n", "1", "--days", "1", "--out", str(out)], path, out,
                     r"\(a zip bomb\?\)", capsys)


def test_pilot_check_refuses_a_million_row_pilot(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = declared_million_rows(tmp_path)
    out = tmp_path / "out"
    _refused_quickly(["pilot", "check", str(SCENARIO), str(path), "-n", "2", "--workers", "1",
                      "--out", str(out)], path, out, r"more than 100,000 rows", capsys)


def test_calibrate_refuses_a_zip_bomb_read_by_pandas(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = zip_bomb(tmp_path)
    out = tmp_path / "cal"
    _refused_quickly(["calibrate", "durations", str(path), "--scenario", str(SCENARIO),
                      "--out", str(out)], path, out, r"\(a zip bomb\?\)", capsys)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _workbook(tmp_path)
    monkeypatch.setattr(cells, "MAX_FILE_BYTES", 1_000)  # a 20 MB file is no test's business
    out = tmp_path / "results"
    _refused_quickly(["run", str(path), "-n", "1", "--days", "1", "--out", str(out)], path, out,
                     r"the file is 0\.\d MB, more than the 0 MB a workbook may be", capsys)


def test_too_much_unpacked_in_all_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = _workbook(tmp_path)
    monkeypatch.setattr(cells, "MAX_UNPACKED_BYTES", 10_000)
    out = tmp_path / "ward"
    _refused_quickly(["workbook", "import", str(path), "-o", str(out / "ward.yaml")], path, out,
                     r"the workbook unpacks to 0 MB, more than the 0 MB allowed", capsys)


def test_the_limits_leave_the_example_workbook_alone() -> None:
    cells.check_xlsx(ROOT / "scenarios" / "hnt_medisin.xlsx")
