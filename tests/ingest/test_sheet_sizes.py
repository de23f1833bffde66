"""Every row and column an Excel sheet holds is read, whatever size it declares (issue 18.2).

The workbooks are written by XlsxWriter (shared strings and a ``<dimension>``, as Excel and survey
tools write them); then the sheet's XML is edited inside the zip: the declared size made smaller,
larger or removed, rows out of order, a cell given twice, a namespace prefix. The truth to compare
with is the same workbook unedited.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pandas as pd
import pytest
import xlsxwriter

from dashboard.ingest.importer import ImportResult, read_survey

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["Enhetstyp", "Kommunkod", "Enhet", *(f"V{i}" for i in range(1, 9))]  # A..K, as in the issue
ANSWERS = ["Ja", "Nej", "Vet ej", "", "Ja"]
N = 20


def _rows() -> list[list[object]]:
    return [["Vårdcentral", "1880", f"Vårdcentralen Exempel {i}",
             *(ANSWERS[(i + j) % len(ANSWERS)] for j in range(8))] for i in range(N)]


def workbook(rows: list[list[object]] | None = None, extra: dict[tuple[int, int], object] | None = None) -> bytes:
    """A sheet with the header and ``rows`` (and single cells at (row, column), zero-based)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    for i, r in enumerate(_rows() if rows is None else rows, start=1):
        ws.write_row(i, 0, r)
    for (r, c), value in (extra or {}).items():
        ws.write(r, c, value)
    wb.close()
    return buf.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(SHEET)


def edit_sheet(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its first sheet's XML changed (and checked to have changed)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == SHEET:
                changed = change(part)
                assert changed != part, "the edit did not apply"
                part = changed
            zf.writestr(info.filename, part)
    return out.getvalue()


def declaring(data: bytes, ref: str | None) -> bytes:
    """The workbook with its ``<dimension ref>`` set to ``ref``, or removed (None)."""
    new = b"" if ref is None else b'<dimension ref="%s"/>' % ref.encode()
    return edit_sheet(data, lambda x: re.sub(rb'<dimension ref="[^"]*"/>', new, x))


@pytest.fixture(scope="module")
def truth() -> ImportResult:
    result = read_survey(workbook(), filename="sanning.xlsx", round_name="r")
    assert result.ok and result.accepted == N and len(result.answers) == N * 8
    return result


@pytest.mark.parametrize("ref", [
    "A1:K5",    # fewer rows than the sheet holds (the file: 20 rows in, 4 accepted, exit 0)
    "A1:C21",   # fewer columns: every question right of the declared width
    "A1:B3",    # both
    "A1",       # one cell, as some export tools write it whatever the sheet holds
    "C3:D4",    # not even starting at A1
    "A1:Z500",  # larger than the sheet
    None,       # no declared size at all
])
def test_every_row_and_column_is_read_whatever_the_declared_size(ref: str | None, truth: ImportResult) -> None:
    data = declaring(workbook(), ref)
    result = read_survey(data, filename="deklarerad.xlsx", round_name="r")
    assert result.error is None, result.error_text()
    assert (result.rows_in, result.accepted, result.rejected_rows) == (N, N, 0)
    assert result.asked_columns == [f"V{i}" for i in range(1, 9)]
    pd.testing.assert_frame_equal(result.units, truth.units)
    pd.testing.assert_frame_equal(result.answers, truth.answers)


def test_a_value_right_of_the_header_and_the_declared_width_is_reported_not_dropped() -> None:
    data = declaring(workbook(extra={(7, 14): "kommentar utanför"}), "A1:K21")  # row 8, column O
    result = read_survey(data, filename="bred.xlsx", round_name="r")
    assert (result.rows_in, result.accepted, result.rejected_rows) == (N, N - 1, 1)
    (rej,) = result.rejected
    assert (rej.row, rej.value) == (8, "kommentar utanför") and "fler värden" in rej.reason()


def test_rows_and_cells_without_references_are_read_in_order() -> None:
    """A streaming writer may leave out the references: then every cell is there, in order."""
    full = [[*r[:3], *(a or "Nej" for a in r[3:])] for r in _rows()]  # no blank cell to leave out
    data = edit_sheet(declaring(workbook(full), "A1:C2"), lambda x: re.sub(rb' (?:r|spans)="[^"]*"', b"", x))
    assert b' r="' not in sheet_xml(data)
    result = read_survey(data, filename="utan-referenser.xlsx", round_name="r")
    expected = read_survey(workbook(full), filename="med.xlsx", round_name="r")
    assert result.accepted == N and expected.accepted == N
    pd.testing.assert_frame_equal(result.answers, expected.answers)


def test_a_row_the_sheet_leaves_out_is_a_blank_row_and_counted() -> None:
    data = edit_sheet(workbook(), lambda x: re.sub(rb'<row r="11".*?</row>', b"", x, flags=re.S))
    result = read_survey(data, filename="lucka.xlsx", round_name="r")
    assert (result.rows_in, result.accepted, result.rejected_rows) == (N, N - 1, 1)
    assert [(r.row, r.reason()) for r in result.rejected] == [(11, "tom rad")]


def test_a_namespace_prefix_is_read_and_counted(truth: ImportResult) -> None:
    def prefixed(x: bytes) -> bytes:
        x = re.sub(rb"<(/?)(?!\?)([A-Za-z])", rb"<\1x:\2", x)
        return x.replace(b'xmlns="', b'xmlns:x="', 1)

    data = edit_sheet(workbook(), prefixed)
    assert b"<x:row " in sheet_xml(data) and b"<x:c " in sheet_xml(data)
    result = read_survey(data, filename="prefix.xlsx", round_name="r")
    assert result.error is None, result.error_text()
    pd.testing.assert_frame_equal(result.answers, truth.answers)


def test_rows_out_of_order_are_refused_not_dropped() -> None:
    def move_row_5_after_row_9(x: bytes) -> bytes:
        row5 = re.search(rb'<row r="5".*?</row>', x, flags=re.S).group(0)
        x = x.replace(row5, b"")
        return re.sub(rb'(<row r="9".*?</row>)', lambda m: m.group(1) + row5, x, count=1, flags=re.S)

    result = read_survey(edit_sheet(workbook(), move_row_5_after_row_9), filename="ordning.xlsx")
    assert result.accepted == 0 and result.error is not None
    assert "rad 5 kommer efter rad 9" in result.error_text()


def test_a_cell_given_twice_is_refused_not_overwritten() -> None:
    def twice(x: bytes) -> bytes:
        return re.sub(rb'(<c r="D3"[^>]*?(?:/>|>.*?</c>))', rb'\1<c r="D3" t="inlineStr"><is><t>Nej</t></is></c>', x,
                      count=1, flags=re.S)

    result = read_survey(edit_sheet(workbook(), twice), filename="dubbel.xlsx")
    assert result.accepted == 0 and result.error is not None
    assert "rad 3 har två celler i kolumn 4" in result.error_text()


def test_rows_read_must_equal_the_independent_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that drops a row (as openpyxl's read-only sheet did) is caught by the count."""
    from openpyxl.worksheet._reader import WorkSheetParser

    parse = WorkSheetParser.parse

    def losing_row_7(self: WorkSheetParser):
        return ((n, row) for n, row in parse(self) if n != 7)

    monkeypatch.setattr(WorkSheetParser, "parse", losing_row_7)
    result = read_survey(workbook(), filename="tapp.xlsx")
    assert result.accepted == 0 and result.rows_in == 0
    assert result.error is not None and "21 rader" in result.error_text() and "20 rader" in result.error_text()


def test_the_count_is_right_across_read_boundaries() -> None:
    from dashboard.ingest import xlsx

    rows = 60_000  # about 4 MB of XML: tags are cut at every 1 MB boundary of the count's reads
    body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><x:c r="B%d" t="s"><v>0</v></x:c></row>' % (i, i, i)
                    for i in range(1, rows + 1))
    xml = (b'<?xml version="1.0"?><worksheet xmlns="m" xmlns:x="m"><cols><col min="1" max="2"/></cols>'
           b"<sheetData>" + body + b"</sheetData><rowBreaks/><!-- comment --></worksheet>")
    assert len(xml) > 3 * (1 << 20)
    assert xlsx.count_rows_and_cells(io.BytesIO(xml)) == (rows, 2 * rows)
