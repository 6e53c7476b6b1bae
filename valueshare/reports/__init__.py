"""Documents made from a deal and its valuation: adapters over the engine result, never part of the core.

``pdfkit`` holds the building blocks every valueshare PDF shares (fonts, escaping, page furniture, tables, chart);
``termsheet`` assembles the term sheet from them, ``brief`` the negotiation brief; ``glyphs`` names the characters of a
deal that the PDFs' font cannot draw, for the CLI and the app to warn of.
"""
