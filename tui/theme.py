"""High contrast for the floor: white on black, yellow focus, readable under bright lights and from a distance."""
from textual.theme import Theme

FLOOR_THEME = Theme(
    name="floor",
    primary="#FFD700",
    secondary="#00BFFF",
    accent="#FFD700",
    warning="#FFA500",
    error="#FF4040",
    success="#30E030",
    foreground="#FFFFFF",
    background="#000000",
    surface="#101010",
    panel="#202020",
    dark=True,
    # Textual dims body text to 87% and hints to 60%; under bright lights and read from a step away that is too
    # faint, so text is full strength and hints (the detail line, messages) stay clearly readable.
    variables={"text": "auto 100%", "text-muted": "auto 80%"},
)
