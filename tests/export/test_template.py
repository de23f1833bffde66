"""Slide templates (``export.template``): the shipped default and the layout fallback."""

from __future__ import annotations

import io

from office_files import theme_fonts


def test_default_template_is_the_generated_one():
    from pptx import Presentation as P

    from dashboard.export import template

    shipped = P(io.BytesIO(template.default_bytes()))
    made = P(io.BytesIO(template.make_default()))
    assert [lay.name for lay in shipped.slide_layouts] == [lay.name for lay in made.slide_layouts]
    assert (shipped.slide_width, shipped.slide_height) == (12192000, 6858000)
    assert theme_fonts(shipped) == theme_fonts(made) == {"Arial"}


def test_layouts_fall_back_when_names_differ(tmp_path):
    from pptx import Presentation as P

    from dashboard.export import template

    prs = P()
    for i, layout in enumerate(prs.slide_layouts):
        layout.name = f"Layout {i}"
    buf = io.BytesIO()
    prs.save(buf)
    cover, content = template.layouts(template.open_template(buf.getvalue()))
    assert any(ph.placeholder_format.idx == 1 for ph in content.placeholders)
    assert cover is not None
