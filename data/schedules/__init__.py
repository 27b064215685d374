"""Recurring transactions: schedules (a transaction template and an iCalendar RRULE), their
dates (recurrence.py), the store (store.py), what is due (due.py) and posting (posting.py).
"""
