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
    panel="#202020",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF4040",
    dark=True,
    variables={
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-blurred-background": "#606000",
        "footer-key-foreground": "#FFFF00",
    },
)

# The cycle `t` steps through: dark, light, high contrast.
THEME_CYCLE = ("textual-dark", "textual-light", HIGH_CONTRAST.name)
