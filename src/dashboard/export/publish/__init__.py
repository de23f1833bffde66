"""The static public edition (``tillsyn publish``): plain files any web server can serve, built from
the same figures, words and rules as the app.

Why: on the day a report is published the public, the press, 290 municipalities and 21 regions
open it at once; a Streamlit process serves a few page opens a second, a static file server
thousands. Staff keep the interactive app; the public get pages that need no JavaScript, no other
host and no session, plus the figures as open data.

Modules, one idea each: ``model`` (the round's figures, once, through ``aggregate``), ``smalln``
(the small-n rule), ``pages`` and ``methodpage`` (what each page says), ``svgmap`` (inline maps),
``templating`` (Jinja templates, stylesheet, script), ``opendata`` (CSV, JSON, datapackage.json),
``manifest`` (every file's SHA-256, and the check), ``paths`` (where pages live, relative links),
``site`` (build and write).
"""

from __future__ import annotations

from dashboard.export.publish.manifest import check
from dashboard.export.publish.site import PublishError, Result, build, edition_files

__all__ = ["PublishError", "Result", "build", "check", "edition_files"]
