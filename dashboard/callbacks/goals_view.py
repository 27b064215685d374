"""What the goals page and the overview's goal cards show: each goal's texts formatted from
integers, its progress bar and status, and the lists they are drawn in."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import progress_bar
from data.goals.pace import GoalStatus
from data.goals.progress import PACE_MONTHS
from data.money import format_money

# Not colour alone: each status has its words (and the bar its percentage).
STATUS_LABELS = {
    "reached": ("Reached", "success"),
    "ahead": ("On track", "success"),
    "behind": ("Behind", "warning"),
    "open": ("No deadline", "secondary"),
}


def month_text(day: date) -> str:
    return f"{day:%b %Y}"


def day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def saved_text(status: GoalStatus, currency: str) -> str:
    """ "€X of €Y"."""
    saved = format_money(status.goal.saved_minor, currency)
    return f"{saved} of {format_money(status.goal.target_minor, currency)}"


def needed_text(status: GoalStatus, currency: str) -> str:
    """ "€Z/month needed", or why there is no such amount."""
    if status.status == "reached":
        return ""
    if status.monthly_needed_minor is None:
        return "No target date"
    by = month_text(status.goal.target_date) if status.goal.target_date else ""
    return f"{format_money(status.monthly_needed_minor, currency)}/month needed to reach it by {by}"


def pace_text(status: GoalStatus) -> str:
    """ "at this pace: Mar 2027", or what the pace cannot say."""
    if status.status == "reached":
        return f"Reached on {day_text(status.reached_on)}" if status.reached_on else "Reached"
    if status.projected_on is None:
        return f"at this pace: not reached (nothing came in over the last {PACE_MONTHS} months)"
    return f"at this pace: {month_text(status.projected_on)}"


def what_counts(status: GoalStatus) -> str:
    goal = status.goal
    if goal.source == "account":
        return f"Balance of {goal.account}"
    return f"Tagged {goal.tag} since {day_text(goal.starts_on)}"


def status_badge(status: GoalStatus) -> dbc.Badge:
    label, color = STATUS_LABELS[status.status]
    if status.status == "reached" and status.reached_on:
        label = f"Reached on {day_text(status.reached_on)}"
    # Dark text on yellow: white on it fails contrast.
    return dbc.Badge(
        label,
        color=color,
        text_color="dark" if color == "warning" else None,
        class_name=f"goal-status goal-status-{status.status}",
    )


def goal_bar(status: GoalStatus) -> html.Div:
    _, color = STATUS_LABELS[status.status]
    color = "info" if status.status == "open" else color
    return progress_bar(status.percent, f"{status.goal.name}: share of the target saved", color,
                        "goal-progress")  # fmt: skip


def _actions(status: GoalStatus) -> html.Div:
    goal_id = status.goal.id
    archive = "unarchive" if status.goal.archived else "archive"
    buttons = [
        dbc.Button(
            "Edit", id={"type": ids.GOAL_EDIT, "id": goal_id}, size="sm", color="secondary",
            outline=True,
        ),
        dbc.Button(
            "Archive" if archive == "archive" else "Restore",
            id={"type": ids.GOAL_ACTION, "id": goal_id, "action": archive},
            size="sm", color="secondary", outline=True,
        ),
        dbc.Button(
            "Delete", id={"type": ids.GOAL_ACTION, "id": goal_id, "action": "delete"},
            size="sm", color="danger", outline=True,
        ),
    ]  # fmt: skip
    if status.goal.archived:
        buttons.pop(0)
    return html.Div(buttons, className="d-flex flex-wrap gap-2 mt-2")


def goal_card(status: GoalStatus, currency: str) -> dbc.Card:
    """A goal on the goals page: its texts, bar, status and buttons."""
    lines = [needed_text(status, currency), pace_text(status)]
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [html.H2(status.goal.name, className="h6 mb-0 me-2"), status_badge(status)],
                    className="d-flex flex-wrap align-items-center mb-1",
                ),
                html.Div(what_counts(status), className="small text-muted mb-1"),
                goal_bar(status),
                html.Div(saved_text(status, currency), className="fw-semibold mt-1 goal-saved"),
                *[html.Div(text, className="small goal-line") for text in lines if text],
                _actions(status),
            ]
        ),
        class_name=f"goal-card goal-card-{status.status} mb-2",
    )


def goals_list(statuses: list[GoalStatus], currency: str) -> html.Div:
    active = [status for status in statuses if not status.goal.archived]
    if not active:
        return html.Div(
            dbc.Alert(
                "No goals yet. Name one with the form: a target amount, an optional date, and "
                "the account or tag whose money counts toward it.",
                color="info",
            ),
            className="goals-empty",
        )
    return html.Div([goal_card(status, currency) for status in active])


def archived_list(statuses: list[GoalStatus], currency: str) -> html.Div | None:
    archived = [status for status in statuses if status.goal.archived]
    if not archived:
        return None
    return html.Div(
        [
            html.H2("Archived goals", className="h5 mt-2"),
            html.Div([goal_card(status, currency) for status in archived],
                     className="goals-archived-list"),
        ]
    )  # fmt: skip


def overview_card(status: GoalStatus, currency: str) -> dbc.Col:
    """A goal on the overview: name, bar, "€X of €Y", "€Z/month needed", the pace."""
    lines = [needed_text(status, currency), pace_text(status)]
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(status.goal.name, className="fw-semibold"),
                    goal_bar(status),
                    html.Div(saved_text(status, currency), className="small mt-1 goal-saved"),
                    *[html.Div(text, className="small text-muted goal-line") for text in lines
                      if text],
                ],
                class_name="p-2",
            ),
            class_name="h-100 goal-overview-card",
        ),
        xs=12, sm=6, xl=4,
    )  # fmt: skip
