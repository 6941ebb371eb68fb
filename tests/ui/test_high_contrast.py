"""The high-contrast theme reaches WCAG AAA (7:1) for every text colour on every background it is used on.

The pairs are the theme's CSS variables as maliterm's stylesheet and the Textual widgets it shows use
them for text on a background (app.tcss, LineList, Tree, Header, Footer, Toast, Input); each colour
is resolved from the Theme object the way Textual does ("auto 87%" is the contrasting white or black
at that alpha; a translucent colour is blended over what lies under it).
"""

from __future__ import annotations

import pytest
from textual.color import Color

from maliterm.ui.themes import HIGH_CONTRAST

# (where it shows, text colour, background colour); backgrounds lie on the screen's $background.
PAIRS = [
    ("screen text", "$foreground", "$background"),
    ("pane and dialog text", "$text", "$surface"),
    ("pane status line, relations detail", "$text", "$panel"),
    ("border titles, muted labels", "$text-muted", "$background"),
    ("dialog hints, filter labels", "$text-muted", "$surface"),
    ("focused pane's border title", "$accent", "$background"),
    ("cursor row, focused pane", "$block-cursor-foreground", "$block-cursor-background"),
    ("cursor row, unfocused pane", "$block-cursor-blurred-foreground", "$block-cursor-blurred-background"),
    ("header", "$foreground", "$panel"),
    ("footer key", "$footer-key-foreground", "$footer-background"),
    ("footer description", "$footer-description-foreground", "$footer-background"),
    ("footer, other text", "$footer-foreground", "$footer-background"),
    ("notice text", "$foreground", "$panel-lighten-1"),
    ("notice title, information", "$text-success", "$panel-lighten-1"),
    ("notice title, warning", "$text-warning", "$panel-lighten-1"),
    ("notice title, error", "$text-error", "$panel-lighten-1"),
    ("read-only banner", "$background", "$warning"),
    ("field error", "$error", "$surface"),
    ("form field", "$foreground", "$boost"),
    ("form field, focused", "$foreground", "$accent 35%"),
    ("form field placeholder", "$text-disabled", "$boost"),
    ("selected text in a field", "$input-selection-foreground", "$input-selection-background"),
    ("text selected on screen", "$screen-selection-foreground", "$screen-selection-background"),
]


def relative_luminance(color: Color) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def resolve(expression: str, under: Color, variables: dict[str, str], text: Color | None = None) -> Color:
    """An opaque colour for a CSS expression ("$name" or "$name 35%") drawn over `under`."""
    name, *alpha = expression.split()
    value = variables[name.removeprefix("$")]
    if value.startswith("auto"):
        color = under.get_contrast_text(float(value.split()[1].rstrip("%")) / 100)
    elif value == "transparent" and text is not None:  # a transparent foreground keeps the text's colour
        color = text
    else:
        color = Color.parse(value)
    if alpha:
        color = color.multiply_alpha(float(alpha[0].rstrip("%")) / 100)
    return under + color


def test_the_luminance_is_wcags():
    assert contrast(Color(0, 0, 0), Color(255, 255, 255)) == pytest.approx(21)
    assert contrast(Color.parse("#777777"), Color(255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("where,fg,bg", PAIRS, ids=[p[0] for p in PAIRS])
def test_high_contrast_theme_reaches_7_to_1(where, fg, bg):
    variables = HIGH_CONTRAST.to_color_system().generate()
    screen = Color.parse(variables["background"])
    background = resolve(bg, screen, variables)
    foreground = resolve(fg, background, variables, text=Color.parse(variables["foreground"]))
    ratio = contrast(foreground, background)
    assert ratio >= 7, f"{where}: {foreground.hex} on {background.hex} is {ratio:.2f}:1"


async def test_the_unfocused_cursor_row_as_painted_reaches_7_to_1(open_app, shipped):
    """The colours the lists and the tree really paint their cursor rows with, focused or not."""
    from ui_helpers import ready

    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        app.theme = HIGH_CONTRAST.name
        await pilot.press("1")
        await pilot.pause()
        for selector, part in (("#timeline-list", "line-list--cursor"), ("#dossier-list", "line-list--cursor"),
                               ("#relations-tree", "tree--cursor")):
            widget = app.screen.query_one(selector)
            style = widget.get_component_rich_style(part)
            fg, bg = (Color.from_rich_color(c) for c in (style.color, style.bgcolor))
            assert contrast(fg, bg) >= 7, (selector, fg.hex, bg.hex)
