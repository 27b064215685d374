"""Learned category suggestions: each person's own model of their categorised history."""
