"""maliterm's own theme: high contrast that still reads on a laptop in sunlight."""

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="maliterm-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#181818",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF7070",  # 7.8:1 on black; #FF4040 was 6:1
    dark=True,
    # Every text colour reaches 7:1 (WCAG AAA) on the background it is drawn on: tests/ui/test_high_contrast.py.
    variables={
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        # An unfocused pane's cursor: light grey, black text (11:1), still unlike the focused yellow.
        "block-cursor-blurred-background": "#C0C0C0",
        "block-cursor-blurred-foreground": "#000000",
        "footer-key-foreground": "#FFFF00",
        "text-disabled": "#B0B0B0",  # placeholders: a hint must be read too
        "input-selection-background": "#FFFF00",
        "input-selection-foreground": "#000000",
        "screen-selection-background": "#FFFF00",
        "screen-selection-foreground": "#000000",
    },
)

# The cycle `t` steps through: dark, light, high contrast.
THEME_CYCLE = ("textual-dark", "textual-light", HIGH_CONTRAST.name)
