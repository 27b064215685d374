"""The benchmark: generate data, drive the served app over HTTP, print a table: python -m bench."""
