"""Data files (``export.files``): CSV for Swedish Excel and XLSX, equal to the aggregation, with the
formula guard on every text cell that came from a user's file."""

from __future__ import annotations

import io

import pytest
from office_files import EVIL, csv_rows
from openpyxl import load_workbook

from dashboard import export
from dashboard.figures import aggregate

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_region_csv_equals_the_aggregation(b23):
    reg = aggregate.by_region(b23.status, "vardcentral")
    rows = csv_rows(export.table_csv(export.REGIONS.people(reg, "sv"), b23.about("x")))
    header, body = rows[0], rows[1:]
    assert len(body) == 21
    row = dict(zip(header, next(r for r in body if r[1] == "23"), strict=True))
    want = reg.set_index("region_kod").loc["23"]
    assert row["Omgång"] == "2023" and row["Region"] == "Region Jämtland Härjedalen"
    assert int(row["Svarat"]) == want["n_responded"] == 22
    assert int(row["Inte alla / vet ej"]) == want["n_not_all"]
    assert float(row["Andel inte alla / vet ej (%)"].replace(",", ".")) == round(want["share_not_all"] * 100, 1)
    assert row["Exempeldata"] == "Ja"


def test_kommun_and_provision_csv_equal_the_aggregation(b23):
    km = aggregate.by_kommun(b23.status, "vardcentral", "23")
    rows = csv_rows(export.table_csv(export.KOMMUNER.people(km, "sv"), b23.about()))
    got = {r[1]: int(r[6]) for r in rows[1:]}  # Kommunkod -> Svarat
    assert got == dict(zip(km["kommun_kod"], km["n_responded"], strict=True))
    prov = b23.provisions("vardcentral")
    rows = csv_rows(export.table_csv(export.PROVISIONS.people(prov, "en"), export.about_for("2023", "en", True, "23")))
    assert rows[0][0] == "Survey round" and rows[0][-1] == "Example data"
    assert [int(r[5]) for r in rows[1:]] == prov["n_ja"].tolist()
    assert rows[1][10] == f"{prov['share_not_ja'].iloc[0] * 100:.1f}"  # English: decimal point


def test_xlsx_typed_numbers_frozen_header_widths_and_about_sheet(b23):
    reg = aggregate.by_region(b23.status, "vardcentral")
    data = export.table_xlsx(export.REGIONS.people(reg, "sv"), b23.about("Andel per region"))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Data", "Om data"]
    ws = wb["Data"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    header = [c.value for c in ws[1]]
    i = {h: n for n, h in enumerate(header)}
    row = next(r for r in ws.iter_rows(min_row=2) if r[i["Regionkod"]].value == "23")
    want = reg.set_index("region_kod").loc["23"]
    assert row[i["Svarat"]].data_type == "n" and row[i["Svarat"]].value == want["n_responded"]
    assert row[i["Andel inte alla / vet ej (%)"]].value == pytest.approx(round(want["share_not_all"] * 100, 1))
    assert row[i["Regionkod"]].data_type == "s"  # "01" must stay text
    assert all((ws.column_dimensions[c].width or 0) >= 8 for c in "ABCDE")
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width  # region names are wider
    about = {r[0].value: r[1].value for r in wb["Om data"].iter_rows(min_row=2)}
    assert about["Titel"] == "Andel per region"
    assert about["Källa"].startswith("Exempeldata, kalibrerad mot IVO:s publicerade andelar")
    assert "IVO, tillsyn" not in about["Källa"]
    assert about["Omgång"] == "2023" and about["Urval"] == "Region Jämtland Härjedalen"
    assert "Region: Region Jämtland Härjedalen" in about["Filter"]
    assert about["Exempeldata"].startswith("Exempeldata. Enhetssvaren är genererade")


@pytest.mark.parametrize("value", [*EVIL, "\r=1", "＝1+1"])
def test_neutralise_formula_text(value):
    assert export.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Lit hälsocentral", "'=already", 3, -2.5, None])
def test_neutralise_leaves_other_values(value):
    assert export.neutralise(value) == value


def test_no_csv_cell_starts_with_a_formula_character(evil):
    units = export.units_table(evil.scope_status, "sv")
    rows = csv_rows(export.table_csv(units, evil.about()))
    cells = [c for r in rows for c in r]
    for cell in cells:
        if cell.startswith(FORMULA):
            float(cell.replace(",", "."))  # only a plain negative number may start with "-"
    for name in EVIL:
        assert "'" + name in cells


def test_no_xlsx_cell_is_a_formula(evil):
    data = export.tables_xlsx(evil.tables(), evil.about())
    wb = load_workbook(io.BytesIO(data))
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA), cell.value
                    seen.append(cell.value)
    for name in EVIL:
        assert "'" + name in seen


def test_round_name_from_a_file_is_neutralised_too(example):
    units, answers, _ = example
    b = export.build(units.assign(round="=1+1"), answers.assign(round="=1+1"), "=1+1", region="23")
    rows = csv_rows(export.table_csv(export.PROVISIONS.people(b.provisions("vardcentral"), "sv"), b.about()))
    assert all(r[0] == "'=1+1" for r in rows[1:])
    assert export.file_base("=1+1", "23") == "tillsyn_1-1_region-23"
