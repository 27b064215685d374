"""Ids of the overview's own in-page stores, between a click and the shell's stores.

Dash's renderer calls a callback when a new page brings one of its inputs, whatever
prevent_initial_call says, unless every output of it is in that page too. So a click on the
overview that writes a shell store (the cross-filter, the refresh counter) goes through one of
these stores: the server's callback writes here (inside the page: not called on load), and a
browser-side callback copies it on (called on load, but it costs no request).
"""

from __future__ import annotations

# A chart click's new cross-filter, as {"cross": {...}}.
CROSS_FILTER_NEXT = "overview-cross-filter-next"
# A Post or Skip click as {"type", "schedule", "due", "at"} (set in the browser).
UPCOMING_INTENT = "upcoming-intent"
# What the server did with it: {"changed": bool, "at": ...}.
UPCOMING_DECIDED = "upcoming-decided"
# The inputs the overview's parts were last drawn with (callbacks/overview_page.py).
OVERVIEW_DRAWN = "overview-drawn"
