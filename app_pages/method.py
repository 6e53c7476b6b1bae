"""Method: how valueshare values a deal, every formula with its source (docs/method.md)."""

from ui import docs

docs.show("method.md")
