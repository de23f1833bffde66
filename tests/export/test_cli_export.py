"""`tillsyn export`: the same files as the buttons, written in one go; exit 2 with one sentence
when nothing can be done. Run in-process so the test session shares one Chromium."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation

from dashboard.cli import main
from dashboard.domain import reference
from dashboard.figures import aggregate
from dashboard.ingest import demo
from dashboard.storage import datasets

needs_chromium = pytest.mark.needs("chromium")  # skipped without it; failed when CI=true (tests/conftest.py)


@pytest.fixture(autouse=True)
def _own_db(tmp_path, monkeypatch):
    """An empty rounds database, so the example round is the one exported."""
    monkeypatch.setenv("TILLSYN_DB", str(tmp_path / "db.duckdb"))


def _run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(["export", *argv])
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if line], err


def test_csv_for_a_region_equals_the_aggregation(tmp_path, capsys):
    code, written, err = _run(capsys, "csv", "--region", "23", "--out", str(tmp_path / "csv"))
    assert code == 0, err
    names = {Path(p).name for p in written}
    assert "tillsyn_2023_region-23_regioner-vardcentral.csv" in names
    assert "tillsyn_2023_region-23_enheter.csv" in names
    data = (tmp_path / "csv" / "tillsyn_2023_region-23_regioner-vardcentral.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    units, answers = datasets.example_round()
    reg = aggregate.by_region(aggregate.unit_status(units, answers), "vardcentral").set_index("region_kod")
    for row in rows[1:]:
        assert int(row[5]) == reg.loc[row[1], "n_responded"]
        assert int(row[6]) == reg.loc[row[1], "n_not_all"]
    units_rows = list(csv.reader(io.StringIO((tmp_path / "csv" / "tillsyn_2023_region-23_enheter.csv")
                                             .read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert len(units_rows) - 1 == 22 + 8  # health centres and social welfare committees of region 23


@needs_chromium
def test_chart_and_map_images(tmp_path, capsys):
    code, written, err = _run(capsys, "chart", "--region", "23", "--typ", "vardcentral", "--out", str(tmp_path))
    assert code == 0, err
    assert sorted(Path(p).suffix for p in written) == [".png"] * 6 + [".svg"] * 3
    for p in written:
        if p.endswith("@2x.png"):
            assert Image.open(p).size == (3840, 2160)
        elif p.endswith(".png"):
            assert Image.open(p).size == (1920, 1080)
    code, written, err = _run(capsys, "map", "--kommun", "2380", "--out", str(tmp_path / "maps"))
    assert code == 0, err
    assert [Path(p).name for p in written] == [
        "tillsyn_2023_kommun-2380_karta-kommuner-socialnamnd.png",
        "tillsyn_2023_kommun-2380_karta-kommuner-socialnamnd@2x.png",
        "tillsyn_2023_kommun-2380_karta-kommuner-socialnamnd.svg",
    ]


def test_xlsx_to_one_workbook(tmp_path, capsys):
    out = tmp_path / "alla.xlsx"
    code, written, err = _run(capsys, "xlsx", "--lang", "en", "--out", str(out))
    assert code == 0, err
    wb = load_workbook(out)
    assert wb.sheetnames[-1] == "About the data"
    assert "regioner-vardcentral" in wb.sheetnames and "enheter" in wb.sheetnames
    assert wb["enheter"].max_row == 1 + 1136 + 290
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask  # readable as any file the user writes, not 0600


def test_pptx_and_docx(tmp_path, capsys):
    code, written, err = _run(capsys, "pptx", "--region", "23", "--out", str(tmp_path / "pack.pptx"))
    assert code == 0, err
    assert written == [str(tmp_path / "pack.pptx"), str(tmp_path / "pack.xlsx")]  # the full list beside it
    assert len(Presentation(tmp_path / "pack.pptx").slides) >= 7
    assert "Följer ingen regel" in load_workbook(tmp_path / "pack.xlsx").sheetnames
    code, written, err = _run(capsys, "docx", "--kommun", "2380", "--out", str(tmp_path))
    assert code == 0, err
    assert Path(written[0]).name == "bilaga_2023_23-jamtland-harjedalen.docx"


def test_bilagor_writes_one_attachment_per_region(tmp_path, capsys):
    code, written, err = _run(capsys, "bilagor", "--out", str(tmp_path / "bilagor"))
    assert code == 0, err
    assert len(written) == 21 == len(list((tmp_path / "bilagor").glob("*.docx")))
    for code_ in reference.REGIONS:
        assert any(f"_{code_}-" in Path(p).name for p in written)
    doc = Document(tmp_path / "bilagor" / "bilaga_2023_23-jamtland-harjedalen.docx")
    text = [p.text for p in doc.paragraphs]
    assert all(name in text for name, _ in demo.jamtland_units())
    orebro = "\n".join(p.text for p in Document(tmp_path / "bilagor" / "bilaga_2023_18-orebro-lan.docx").paragraphs)
    assert "20 av 27 vårdcentraler" in orebro  # the published worst region


@pytest.mark.parametrize(("argv", "message"), [
    (["csv", "--region", "99"], "Regionkoden '99' finns inte"),
    (["csv", "--kommun", "0000"], "Kommunkoden '0000' finns inte"),
    (["csv", "--region", "01", "--kommun", "2380"], "Kommunen 2380 ligger inte i region 01."),
    (["csv", "--round", "1999"], "Omgången '1999' finns inte."),
    (["docx"], "Bilagan gäller en region"),
    (["csv", "--typ", "sjukhus"], "Enhetstypen 'sjukhus' finns inte"),
])
def test_unknown_codes_exit_2_with_one_sentence(tmp_path, capsys, argv, message):
    out = tmp_path / "out"
    code, written, err = _run(capsys, *argv, "--out", str(out))
    assert code == 2 and not written
    assert err.startswith(message) and err.count("\n") == 1 and err.strip().endswith(".")
    assert not out.exists()


def test_unwritable_path_exits_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, written, err = _run(capsys, "csv", "--region", "23", "--out", str(blocker / "sub"))
    assert code == 2 and not written
    assert err == f"Kan inte skriva till {blocker / 'sub'}.\n"
    code, _, err = _run(capsys, "bilagor", "--out", str(blocker))
    assert code == 2 and err == f"{blocker} är en fil; ange en katalog med --out.\n"


def _swedish_template(path: Path) -> Path:
    prs = Presentation()
    for layout in prs.slide_layouts:
        layout.name = {"Title Slide": "Rubrikbild", "Title and Content": "Rubrik och innehåll"}.get(layout.name,
                                                                                                 layout.name)
    prs.save(path)
    return path


def test_pptx_with_a_template_file_and_with_the_uploaded_one(tmp_path, capsys):
    from dashboard.export import template
    from dashboard.storage import store

    mall = _swedish_template(tmp_path / "mall.pptx")
    code, written, err = _run(capsys, "pptx", "--region", "18", "--template", str(mall), "--out", str(tmp_path / "a"))
    assert code == 0, err
    prs = Presentation(written[0])
    assert [s.slide_layout.name for s in prs.slides][:2] == ["Rubrikbild", "Rubrik och innehåll"]
    # no --template: the one an administrator uploaded
    store.Store().put_document(template.STORE_KIND, template.STORE_NAME, mall.read_bytes())
    code, written, err = _run(capsys, "pptx", "--region", "18", "--out", str(tmp_path / "b"))
    assert code == 0, err
    assert Presentation(written[0]).slides[0].slide_layout.name == "Rubrikbild"


def test_pptx_with_an_unreadable_template_is_one_sentence(tmp_path, capsys):
    bad = tmp_path / "mall.pptx"
    bad.write_text("inte en presentation")
    code, written, err = _run(capsys, "pptx", "--region", "18", "--template", str(bad), "--out", str(tmp_path))
    assert code == 2 and written == []
    assert err.strip() == f"Mallen {bad} kan inte läsas."


def test_english_pptx_from_the_cli(tmp_path, capsys):
    code, written, err = _run(capsys, "pptx", "--region", "18", "--lang", "en", "--out", str(tmp_path))
    assert code == 0, err
    titles = [s.shapes.title.text_frame.text for s in Presentation(written[0]).slides]
    assert titles[-1] == "Method and sources" and "health centres" in titles[1]


@needs_chromium
def test_chart_images_for_slides_carry_the_deck_s_finding_titles(tmp_path, capsys):
    code, written, err = _run(capsys, "chart", "--region", "18", "--typ", "vardcentral", "--out", str(tmp_path))
    assert code == 0, err
    svg = (tmp_path / "tillsyn_2023_region-18_regioner-vardcentral.svg").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    assert "Region Örebro län: 20 av 27 vårdcentraler" in text and "högst andel i landet" in text
    png = Image.open(tmp_path / "tillsyn_2023_region-18_regioner-vardcentral.png")
    assert png.size == (1920, 1080)
