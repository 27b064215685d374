"""What /schedules and the overview's Upcoming card show: the schedules table (next date,
amount, how often) and the list of undecided dates with Post, Skip and Edit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.html_attrs import html_attrs
from data.money import format_money
from data.schedules.builder import FREQUENCY_LABELS, choices_from_rule
from data.schedules.due import Occurrence
from data.schedules.model import Schedule


@dataclass(frozen=True)
class Names:
    """Account names and currencies, category names: for the rows' text."""

    accounts: Mapping[int, str]
    currencies: Mapping[int, str]
    categories: Mapping[int, str]

    def money(self, schedule: Schedule) -> str:
        return format_money(schedule.amount_minor, self.currencies.get(schedule.account_id, "EUR"))


def how_often(schedule: Schedule) -> str:
    """ "Monthly on a day (15)", "Every N weeks (2)", or the custom rule's text."""
    choices = choices_from_rule(schedule.rrule, schedule.starts_on)
    if choices.frequency == "custom":
        return choices.custom
    label = FREQUENCY_LABELS[choices.frequency]
    detail = [str(choices.day)] if choices.day is not None else []
    if choices.interval != 1:
        detail.append(f"every {choices.interval}")
    return f"{label} ({', '.join(detail)})" if detail else label


def _icon_button(icon: str, label: str, button_id: dict, color: str) -> dbc.Button:
    # Solid primary: an outlined one's blue text is too faint on the dark theme's background.
    return dbc.Button(
        [html.I(className=f"bi {icon} me-1", **html_attrs({"aria-hidden": "true"})), label],
        id=button_id,
        size="sm",
        color=color,
        outline=color != "primary",
    )


def _row_button(icon: str, label: str, button_id: dict, color: str) -> dbc.Button:
    """An icon button whose label shows from sm up (a phone's table keeps its columns); on a
    phone its name is the visually hidden text."""
    return dbc.Button(
        [
            html.I(className=f"bi {icon}", **html_attrs({"aria-hidden": "true"})),
            html.Span(label, className="d-none d-sm-inline ms-1"),
            html.Span(label, className="visually-hidden d-sm-none"),
        ],
        id=button_id,
        size="sm",
        color=color,
        outline=True,
        title=label,
    )


def schedules_table(
    schedules: list[Schedule], next_dates: Mapping[int, date | None], names: Names
) -> Any:
    """The schedules with their next date; an empty list says how to start."""
    if not schedules:
        return html.P(
            "No schedules yet. Add your rent, salary or subscriptions below, or open a "
            "transaction on /transactions and choose Create schedule.",
            className="text-muted mb-0",
        )
    # On a phone: name, next date, amount and icon buttons; how often and the account from md.
    wide = "d-none d-md-table-cell"
    header = html.Thead(
        html.Tr(
            [html.Th(t) for t in ("Name", "Next", "Amount")]
            + [
                html.Th("How often", className=wide),
                html.Th("Account", className=wide),
                html.Th(""),
            ]
        )
    )
    rows = []
    for schedule in schedules:
        assert schedule.id is not None
        upcoming = next_dates.get(schedule.id)

        def row(kind: str, schedule_id: int = schedule.id) -> dict:
            return {"type": kind, "id": schedule_id}

        state = (
            [] if schedule.active else [dbc.Badge("paused", color="secondary", class_name="ms-1")]
        )
        if schedule.auto_post:
            state.append(dbc.Badge("auto", color="info", class_name="ms-1"))
        buttons = html.Div(
            [
                _row_button("bi-pencil", "Edit", row(ids.SCHEDULE_ROW_EDIT), "secondary"),
                _row_button("bi-trash", "Delete", row(ids.SCHEDULE_ROW_DELETE), "danger"),
            ],
            className="d-flex gap-1 justify-content-end",
        )  # fmt: skip
        rows.append(
            html.Tr(
                [
                    html.Td([schedule.name, *state]),
                    html.Td(upcoming.isoformat() if upcoming else "ended"),
                    html.Td(names.money(schedule), className="text-end text-nowrap"),
                    html.Td(how_often(schedule), className=wide),
                    html.Td(names.accounts.get(schedule.account_id, ""), className=wide),
                    html.Td(buttons),
                ]
            )
        )
    return dbc.Table([header, html.Tbody(rows)], hover=True, responsive=True, size="sm")


def upcoming_list(found: list[Occurrence], names: Names, today: date) -> Any:
    """The undecided dates, overdue first, each with Post, Skip and Edit."""
    if not found:
        return html.P(
            ["Nothing due in the next 30 days. ", html.A("Manage schedules", href="/schedules")],
            className="text-muted small mb-0 p-2",
        )
    items = []
    for occurrence in found:
        schedule = occurrence.schedule
        key = {"schedule": schedule.id, "due": occurrence.due_on.isoformat()}
        overdue = occurrence.overdue(today)
        when = [occurrence.posts_on.isoformat()]
        if overdue:
            when.append(dbc.Badge("overdue", color="warning", text_color="dark", class_name="ms-1"))
        items.append(
            html.Li(
                [
                    html.Div(
                        [
                            html.Span(schedule.name, className="fw-semibold me-2"),
                            html.Span(when, className="small text-muted"),
                        ],
                        className="me-auto",
                    ),
                    html.Span(names.money(schedule), className="me-2 text-nowrap"),
                    _icon_button(
                        "bi-check-lg", "Post", {"type": ids.UPCOMING_POST, **key}, "primary"
                    ),
                    _icon_button(
                        "bi-skip-forward", "Skip", {"type": ids.UPCOMING_SKIP, **key}, "secondary"
                    ),
                    dbc.Button(
                        "Edit", href=f"/schedules?edit={schedule.id}", size="sm", color="link"
                    ),
                ],  # fmt: skip
                className="list-group-item d-flex flex-wrap align-items-center gap-1 upcoming-item",
            )
        )
    return html.Ul(items, className="list-group list-group-flush")
