"""Design tokens: colours, spacing, type and the few shared style dicts. Change the look here."""

from __future__ import annotations

import reflex as rx

# Radix colour scales; assets/styles.css darkens the steps that carry text (9-11) of teal, red,
# green, orange, blue and amber so text on them meets WCAG AA contrast.
ACCENT = "teal"
GRAY = "slate"
RADIUS = "medium"

FONT_FAMILY = (
    '"Noto Sans JP", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic UI", "Segoe UI", '
    "system-ui, -apple-system, sans-serif"
)
MAX_WIDTH = "1120px"
HEADER_HEIGHT = "60px"

SPACE_1, SPACE_2, SPACE_3, SPACE_4, SPACE_5, SPACE_6 = "4px", "8px", "12px", "16px", "24px", "32px"

PAGE_BG = rx.color(GRAY, 2)
SURFACE = rx.color(GRAY, 1)
BORDER = rx.color(GRAY, 5)
MUTED_TEXT = rx.color(GRAY, 11)
BRAND = rx.color(ACCENT, 9)
BRAND_SOFT = rx.color(ACCENT, 3)
DANGER = rx.color("red", 11)

BASE_STYLE: dict[str, object] = {
    "font_family": FONT_FAMILY,
    "::selection": {"background_color": rx.color(ACCENT, 5)},
}

card: dict[str, object] = {
    "background": SURFACE,
    "border": f"1px solid {BORDER}",
    "border_radius": "12px",
    "padding": SPACE_5,
    "width": "100%",
    "box_shadow": "0 1px 2px rgba(15, 23, 42, 0.04)",
}

header: dict[str, object] = {
    "height": HEADER_HEIGHT,
    "border_bottom": f"1px solid {BORDER}",
    "background": SURFACE,
    "position": "sticky",
    "top": "0",
    "z_index": "10",
    "width": "100%",
}

nav_link: dict[str, object] = {
    "color": rx.color(GRAY, 11),
    "font_weight": "500",
    "padding": f"{SPACE_2} {SPACE_3}",
    "border_radius": "8px",
    "text_decoration": "none",
    "_hover": {"background": rx.color(GRAY, 3), "color": rx.color(GRAY, 12)},
}

auth_panel: dict[str, object] = {
    **card,
    "max_width": "420px",
    "padding": SPACE_6,
}
