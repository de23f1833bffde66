"""Slide templates: the organisation's own (``--template FILE.pptx`` or uploaded by an administrator)
or the clean default shipped as package data (``default_template.pptx``, made by ``make_default``).

Why layouts by name: an organisation's master has its own order of layouts; "Title Slide" and
"Title and Content" (or their Swedish names) are what decks use, with a fallback when a template
names them otherwise. The deck then takes the template's master, theme fonts and colours.

Why limits: a template is uploaded once by an administrator and then opened on every deck download,
by any visitor, so a file that unpacks to hundreds of megabytes would cost that on each download.
``open_template`` checks the file against ``LIMITS`` before python-pptx unpacks anything (the zip's
directory, then a pass in 1 MB steps proving each part's declared size), for an upload and for a
stored template alike (one stored before the limits existed, or
put in the database by other means, is bounded again when read).

Regenerate the shipped file after changing ``make_default``:
``python -m dashboard.export.template src/dashboard/export/default_template.pptx``.
"""

from __future__ import annotations

import copy
import io
import sys
from importlib import resources
from typing import Any

from dashboard.domain.ziplimits import ZipLimits, ZipRefused, check_zip
from dashboard.export.common import ExportError, describe, saved

DEFAULT_FILE = "default_template.pptx"
# PP_PLACEHOLDER.TITLE and CENTER_TITLE (int enums): plain numbers so importing this loads no python-pptx.
TITLE, CENTER_TITLE = 1, 3
COVER_NAMES = ("title slide", "rubrikbild", "titelbild", "title")
CONTENT_NAMES = ("title and content", "rubrik och innehåll", "titel och innehåll", "title, content",
                 "title only", "endast rubrik")
# Okabe–Ito, as the app's charts (charts.py): the theme's accents, so new shapes match.
ACCENTS = ("0072B2", "E69F00", "009E73", "D55E00", "CC79A7", "56B4E9")
FONT = "Arial"
STORE_KIND = "template"
STORE_NAME = "presentation.pptx"
MB = 1_000_000
# An organisation's template: a master, some layouts, a theme, a few pictures and perhaps embedded
# fonts; tens of megabytes at most. XML is bounded apart: python-pptx parses every slide, layout and
# master when it opens a file, about 13 MB of memory per MB of element-dense XML (measured), so
# 20 MB of XML keeps the peak near 400 MB. Above 1 MB an entry packed more than 100 times is a bomb
# (pictures do not pack at all, XML about 5 to 20 times).
LIMITS = ZipLimits(entries=1_000, total=100 * MB, entry=60 * MB, ratio=100, packed=60 * MB, xml_total=20 * MB)


def refusal(exc: ZipRefused, lang: str = "sv") -> str:
    """The user's sentence for a template the limits refuse (numbers in the language's format)."""
    from dashboard import i18n

    def mb(value: float) -> str:
        return i18n.fmt_num(value / MB, lang, 0 if value >= 10 * MB else 1)

    return i18n.t(f"tpl_refused_{exc.reason}", lang, found=mb(exc.found), limit=mb(exc.limit),
                  n=i18n.fmt_int(exc.found, lang), most=i18n.fmt_int(exc.limit, lang), name=exc.name,
                  ratio=i18n.fmt_int(exc.found, lang))


def check_archive(data: bytes) -> None:
    """Raise ``ExportError`` when the file is no zip or breaks ``LIMITS``; never more than 1 MB of it
    is held unpacked (``domain.ziplimits``)."""
    try:
        check_zip(data, LIMITS, verify=True)
    except ZipRefused as exc:
        raise ExportError(refusal(exc)) from None


def default_bytes() -> bytes:
    return resources.files("dashboard.export").joinpath(DEFAULT_FILE).read_bytes()


def open_template(data: bytes | None = None) -> Any:
    """A presentation to build a deck in: the template's slides removed, its master and theme kept."""
    from pptx import Presentation

    if data:
        check_archive(data)
    try:
        prs = Presentation(io.BytesIO(data if data else default_bytes()))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one sentence for the user
        from dashboard import i18n

        raise ExportError(i18n.t("exp_err_template_unreadable", error=exc)) from None
    slides = prs.slides._sldIdLst  # a template may carry example slides: start empty
    for sld in list(slides):
        prs.part.drop_rel(sld.rId)
        slides.remove(sld)
    return prs


def _pick(prs: Any, names: tuple[str, ...], need_body: bool) -> Any | None:
    by_name = {(layout.name or "").strip().lower(): layout for layout in prs.slide_layouts}
    for name in names:
        if name in by_name:
            return by_name[name]
    for layout in prs.slide_layouts:  # fallback: a layout with a title (and a body when needed)
        kinds = {ph.placeholder_format.type for ph in layout.placeholders}
        idx = {ph.placeholder_format.idx for ph in layout.placeholders}
        if kinds & {TITLE, CENTER_TITLE} and (not need_body or 1 in idx):
            return layout
    return None


def layouts(prs: Any) -> tuple[Any, Any]:
    """(title layout, title-and-content layout), chosen by name with a sensible fallback."""
    content = _pick(prs, CONTENT_NAMES, need_body=True) or _pick(prs, CONTENT_NAMES, need_body=False)
    cover = _pick(prs, COVER_NAMES, need_body=False) or content
    if cover is None or content is None:
        if not len(prs.slide_layouts):
            raise ExportError("Mallen har inga bildlayouter.")
        return prs.slide_layouts[0], prs.slide_layouts[0]
    return cover, content


def check(data: bytes) -> list[str]:
    """The layout names a template offers (for the upload form); raises ExportError when unreadable."""
    prs = open_template(data)
    cover, content = layouts(prs)
    return [cover.name, content.name]


# --------------------------------------------------------------------------- the shipped default


def _scale(shape_el: Any, fx: float) -> None:
    off = shape_el.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}off")
    ext = shape_el.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}ext")
    if off is not None:
        off.set("x", str(int(int(off.get("x")) * fx)))
    if ext is not None:
        ext.set("cx", str(int(int(ext.get("cx")) * fx)))


def make_default() -> bytes:
    """A clean 16:9 template from python-pptx's own: placeholders widened to 16:9, Arial as the theme's
    heading and body font, the app's colour-blind-safe colours as its accents, a quiet title style."""
    from lxml import etree
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation()
    fx = 12192000 / int(prs.slide_width)
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    masters = [prs.slide_master, *prs.slide_layouts]
    for part in masters:
        for sp in part.placeholders:
            _scale(sp._element, fx)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    theme_part = next(rel.target_part for rel in prs.slide_master.part.rels.values()
                      if rel.reltype.endswith("/theme"))
    theme = etree.fromstring(theme_part.blob)
    theme.set("name", "Tillsynskartan")
    for latin in theme.iterfind(".//a:fontScheme/a:majorFont/a:latin", ns):
        latin.set("typeface", FONT)
    for latin in theme.iterfind(".//a:fontScheme/a:minorFont/a:latin", ns):
        latin.set("typeface", FONT)
    scheme = theme.find(".//a:clrScheme", ns)
    scheme.set("name", "Tillsynskartan")
    for i, colour in enumerate(ACCENTS, start=1):
        el = scheme.find(f"a:accent{i}", ns)
        for child in list(el):
            el.remove(child)
        srgb = etree.SubElement(el, f"{{{ns['a']}}}srgbClr")
        srgb.set("val", colour)
    theme_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)
    # Title style: left-aligned, bold, dark; smaller than the default 44 pt so findings fit.
    master = prs.slide_master.element
    title_style = master.find(".//{http://schemas.openxmlformats.org/presentationml/2006/main}titleStyle")
    lvl = title_style.find("a:lvl1pPr", ns)
    lvl.set("algn", "l")
    rpr = lvl.find("a:defRPr", ns)
    rpr.set("sz", "3000")
    rpr.set("b", "1")
    for layout in prs.slide_layouts:
        if layout.name == "Title Slide":
            for ph in layout.placeholders:
                body = ph._element.find(".//a:lstStyle", ns)
                if body is not None and ph.placeholder_format.type == CENTER_TITLE:
                    lvl1 = copy.deepcopy(lvl)
                    lvl1.find("a:defRPr", ns).set("sz", "4000")
                    body.append(lvl1)
    describe(prs, "Tillsynskartan")
    return saved(prs)


if __name__ == "__main__":  # python -m dashboard.export.template OUT.pptx
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_FILE
    with open(out, "wb") as fh:
        fh.write(make_default())
    print(out)
