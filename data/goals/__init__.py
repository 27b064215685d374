"""Savings goals: a target amount, an optional date, and what counts toward it.

store.py writes them (validated, owner-checked, one DB transaction each), progress.py reads how
much is saved (SQL), pace.py turns that into the monthly amount needed and the date at the
current pace (integer arithmetic only).
"""
