"""Workforce stability services, one module per concern; the formulas themselves are in domain/workforce.py."""
