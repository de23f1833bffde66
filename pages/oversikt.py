"""Översikt: the national picture (or the chosen region/municipality against it), with a path to
the worst and best regions."""

from __future__ import annotations

from dashboard import i18n
from dashboard.screen import cache, downloads, ui
from dashboard.screen.views import change, charts, headlines

f = ui.filters()
ui.page_header(f, i18n.t("page_overview", f.lang), also=cache.trend_rounds())
headlines.headlines(f, region=f.region, kommun=f.kommun)
downloads.pack(f)
headlines.best_worst_links(f)
charts.region_charts(f)
charts.provision_charts(f, heading=i18n.t("provisions_heading", f.lang), region=f.region, kommun=f.kommun)
change.change_section(f, region=f.region, kommun=f.kommun)
change.trend_section(f, region=f.region)
