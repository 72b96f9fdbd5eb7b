"""Browser terminals: `jobfloor serve --web` (server, sessions, the app-side driver, the page's assets)."""
