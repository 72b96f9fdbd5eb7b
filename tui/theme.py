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
)
