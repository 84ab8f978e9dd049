"""Job search: one interface, two engines (placeholder)."""
