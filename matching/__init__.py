"""Candidate–vacancy matching: text builders, encoder, scorers, explanations, evaluation (no Flask)."""
