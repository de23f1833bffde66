"""Unit points the map tests draw (test helper, not a test): one per status, a hostile name, a
ready-made tooltip, and one without coordinates; the deck's and the exported map's tests share them."""

from __future__ import annotations

XSS = "<img src=x onerror=alert(1)>"

POINTS = [
    {"lat": 59.33, "lon": 18.07, "status": "not_all", "name": XSS},
    {
        "lat": 63.18,
        "lon": 14.64,
        "status": "follows_all",
        "name": "VC Östersund",
        "tooltip": "VC Östersund\nok",
    },
    {"lat": 57.7, "lon": 11.97, "status": "follows_none"},
    {"lat": 65.58, "lon": 22.15, "status": "no_answer"},
    {"lat": float("nan"), "lon": 18.0, "status": "no_answer"},
]
