"""One module per URL: each exposes layout() and nothing that reads data."""
