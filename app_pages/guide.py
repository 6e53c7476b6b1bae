"""User guide: the journey through the app, with pictures (docs/user-guide.md)."""

from ui import docs

docs.show("user-guide.md")
