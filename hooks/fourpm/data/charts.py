"""Geometry of the dashboard's charts, computed at build time: the SVG markup is in
overrides/fpm/datapages.html; here only numbers (positions, sizes) and the texts to show."""
from __future__ import annotations

WIDTH = 640
LABEL_HEIGHT = 20
BAR_HEIGHT = 26
GAP = 14
VALUE_ROOM = 130  # room right of the longest bar for its value
PALETTE = ("#2f6b2f", "#8a4f1d", "#4f8f4f", "#b5793f", "#1f4d1f")  # the site's greens and browns


def bars(items: list[dict]) -> dict:
    """items: [{label, value, text}] -> one horizontal bar per item, longest = widest, label above it."""
    top = max((item["value"] for item in items), default=0) or 1
    room = WIDTH - VALUE_ROOM
    rows, y = [], 8
    for index, item in enumerate(items):
        width = round(room * item["value"] / top, 1)
        rows.append({**item, "label_y": y + 14, "y": y + LABEL_HEIGHT, "width": max(width, 1),
                     "height": BAR_HEIGHT, "text_x": max(width, 1) + 8, "text_y": y + LABEL_HEIGHT + 18,
                     "color": PALETTE[index % len(PALETTE)]})
        y += LABEL_HEIGHT + BAR_HEIGHT + GAP
    return {"width": WIDTH, "height": y, "rows": rows}


def share(item: dict, rest_label: str, rest_text: str) -> dict:
    """One percentage as the filled part of a 100 % bar, the rest in a lighter tone."""
    room = WIDTH - 20
    filled = round(room * item["value"] / 100, 1)
    return {"width": WIDTH, "height": 110, "x": 10, "y": 30, "bar_height": 34, "room": room, "filled": filled,
            "item": item, "rest_label": rest_label, "rest_text": rest_text,
            "color": PALETTE[0], "rest_color": "#d9e6d9"}
