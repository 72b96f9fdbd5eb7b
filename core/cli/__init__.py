"""The `jobfloor` command line: a face like the screens; it parses, calls core services and prints."""
