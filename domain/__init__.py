"""The profession's vocabulary, geography and formulas: plain Python, shared by the web app, matching and workers."""
