"""Date and number formats of the office UI, one module per language."""
