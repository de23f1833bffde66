"""Templates, the stylesheet and the script of the static edition, and the little Markdown it needs.

Why Jinja with autoescape: every name on a page (a region, a municipality, a unit from an imported
file) is escaped unless it is marked safe on purpose (the SVG map and our own Markdown texts,
which are escaped before their few marks become tags). The stylesheet and script are package
data; their file names carry a hash of their content, so a server may cache them for a year and a
changed file is a new name.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources

import jinja2
from markupsafe import Markup, escape

from dashboard.export.common import unescape

PACKAGE = "dashboard.export.publish"
ASSETS = ("site.css", "site.js")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(PACKAGE, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, never an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown
    return env


def render(template: str, **context: object) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


@lru_cache(maxsize=1)
def assets() -> dict[str, tuple[str, bytes]]:
    """Each asset's name (``site.css``) -> (its fingerprinted path ``assets/site.<hash>.css``, bytes)."""
    out = {}
    for name in ASSETS:
        data = resources.files(PACKAGE).joinpath("assets", name).read_bytes()
        stem, ext = name.rsplit(".", 1)
        out[name] = (f"assets/{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}", data)
    return out


_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


def _inline(text: str) -> str:
    out = str(escape(unescape(text)))
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _EM.sub(r"<em>\1</em>", out)


def markdown(text: str) -> Markup:
    """Our own texts' Markdown (strings.toml): paragraphs, ``- `` lists, **bold**, *italic*, `code`.

    Not a general Markdown: the method texts use only these, and the text is escaped first."""
    blocks = re.split(r"\n\s*\n", text.strip())
    html = []
    for block in blocks:
        lines = block.splitlines()
        if lines and all(line.startswith(("- ", "  ")) for line in lines) and lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                else:
                    items[-1] += " " + line.strip()
            html.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
        else:
            html.append(f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>")
    return Markup("\n".join(html))
