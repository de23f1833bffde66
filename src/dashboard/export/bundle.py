"""Writing a selection's files to disk: ``tillsyn export KIND ... --out PATH`` and the bilagor."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from dashboard import i18n
from dashboard.domain import reference
from dashboard.export import template
from dashboard.export.common import ExportError, SelectionError
from dashboard.export.files import table_csv, table_xlsx, tables_xlsx
from dashboard.export.findings import finding_titles
from dashboard.export.letter import attachment_name, bundle_docx
from dashboard.export.render import chart_png, chart_svg, map_png, map_svg, with_title
from dashboard.export.selection import Bundle, bundle
from dashboard.export.slides import full_list_xlsx, pptx_pack

KINDS = ("chart", "map", "csv", "xlsx", "pptx", "docx", "bilagor")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(path: Path, data: bytes) -> Path:
    """Write atomically: a half-written slide deck must never look finished."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tillsyn-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary write would: mkstemp's 0600 hides files from colleagues
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _target_dir(out: Path, lang: str) -> Path:
    if out.exists() and not out.is_dir():
        raise SelectionError(i18n.t("exp_err_dir", lang, path=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError:
        raise SelectionError(i18n.t("exp_err_write", lang, path=out)) from None
    return out


def _target_file(out: Path, default_name: str, lang: str) -> Path:
    if out.is_dir() or not out.suffix:
        return _target_dir(out, lang) / default_name
    _target_dir(out.parent, lang)
    return out


def stored_template() -> bytes | None:
    """The template an administrator uploaded (kept with the data), if any.

    Bounded again when read (``template.check_archive``): one that breaks the limits (stored before
    they existed, or put in the database by other means) is not unpacked; decks then use the
    default, the log says why, and the Import page shows it to the administrators."""
    from dashboard.storage import store

    try:
        data = store.Store().get_document(template.STORE_KIND, template.STORE_NAME)
    except Exception:  # noqa: BLE001 - no database, or no documents table yet: the default template
        return None
    if data is None:
        return None
    try:
        template.check_archive(data)
    except ExportError as exc:
        logging.getLogger(__name__).warning("stored slide template refused, using the default: %s", exc)
        return None
    return data


def write_kind(kind: str, b: Bundle, out: Path, template_bytes: bytes | None = None) -> list[Path]:
    """Write what one ``tillsyn export`` kind makes; the same bytes as the download buttons."""
    lang, written = b.lang, []
    if kind in ("chart", "map"):
        d = _target_dir(out, lang)
        png, svg = (chart_png, chart_svg) if kind == "chart" else (map_png, map_svg)
        findings = finding_titles(b) if kind == "chart" else {}
        for item in b.charts if kind == "chart" else b.maps:
            base = b.base(item.key)
            figure = with_title(item.figure, findings[item.key]) if item.key in findings else item.figure
            written.append(_write(d / f"{base}.png", png(figure)))
            written.append(_write(d / f"{base}@2x.png", png(figure, 2)))
            written.append(_write(d / f"{base}.svg", svg(figure)))
    elif kind == "csv":
        d = _target_dir(out, lang)
        titles = {i.key: i.title for i in [*b.charts, *b.maps]}
        for key, table in b.tables().items():
            written.append(_write(d / f"{b.base(key)}.csv", table_csv(table, b.about(titles.get(key, key)))))
    elif kind == "xlsx":
        titles = {i.key: i.title for i in [*b.charts, *b.maps]}
        if out.suffix.lower() == ".xlsx":
            _target_dir(out.parent, lang)
            written.append(_write(out, tables_xlsx(b.tables(), b.about())))
        else:
            d = _target_dir(out, lang)
            for key, table in b.tables().items():
                written.append(_write(d / f"{b.base(key)}.xlsx", table_xlsx(table, b.about(titles.get(key, key)))))
    elif kind == "pptx":
        deck = _target_file(out, f"{b.base()}.pptx", lang)
        written.append(_write(deck, pptx_pack(b, template_bytes)))
        # the full list the deck's one table slide points to, beside it
        written.append(_write(deck.with_suffix(".xlsx"), full_list_xlsx(b)))
    elif kind == "docx":
        data = bundle_docx(b)
        written.append(_write(_target_file(out, attachment_name(b.round, b.region), lang), data))
    elif kind == "bilagor":
        d = _target_dir(out, lang)
        for code in reference.REGIONS:
            rb = Bundle(b.round, code, "", lang, b.typ, b.units, b.answers, b.status, b.other_example_rounds)
            written.append(_write(d / attachment_name(b.round, code), bundle_docx(rb)))
    else:
        raise SelectionError(i18n.t("cli_export_unknown_kind", b.lang, kind=repr(kind)))
    return written


def _read_template(path: str, lang: str) -> bytes | None:
    """``--template FILE.pptx``, else the uploaded template, else None (the default)."""
    if not path:
        return stored_template()
    try:
        data = Path(path).read_bytes()
        template.check(data)
    except (OSError, ExportError):
        raise SelectionError(i18n.t("deck_err_template", lang, path=path)) from None
    return data


def cli_main(args: Any) -> int:
    """``tillsyn export KIND ... --out PATH``; exit 2 with one sentence when nothing could be done."""
    lang = getattr(args, "lang", "sv") or "sv"
    try:
        if args.kind == "docx" and not (args.region or args.kommun):
            raise SelectionError(i18n.t("exp_err_docx_region", lang))
        b = bundle(args.round, args.region or "", args.kommun or "", lang, getattr(args, "typ", "alla") or "alla")
        template_bytes = None
        if args.kind == "pptx":
            template_bytes = _read_template(getattr(args, "template", "") or "", lang)
        written = write_kind(args.kind, b, Path(args.out), template_bytes)
    except (SelectionError, ExportError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError:
        print(i18n.t("exp_err_write", lang, path=args.out), file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0
