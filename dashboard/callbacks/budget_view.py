"""What the budgets page shows for a month: each limit against its spending and pace (grouped
under their category groups' subtotals), the gauges, and the expense categories that can still
get a limit; with the table, gauge panel and empty states they are drawn in (the page's layout
only holds their places)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard import figures, ids, services
from dashboard.budget_meter import BudgetMonth, budget_meter
from dashboard.callbacks.budget_month import month_from_store
from dashboard.callbacks.budget_rollover_view import carried_note, rollover_toggle
from dashboard.components import CARDS_ON_PHONES, WIDE, empty_state, progress_bar
from dashboard.html_attrs import html_attrs
from dashboard.security.auth import current_user_id
from data.money import format_amount, format_money
from data.months import month_start

# Not colour alone: each state also has its icon and its words.
STATE_ICONS = {
    "ok": ("bi-check-circle-fill", "On track"),
    "warning": ("bi-exclamation-triangle-fill", "At risk"),
    "over": ("bi-exclamation-octagon-fill", "Over budget"),
}
PROGRESS_COLORS = {"ok": "success", "warning": "warning", "over": "danger"}


@dataclass(frozen=True)
class BudgetLine:
    """One budgeted category as the table shows it: texts already formatted from integers."""

    category_id: int
    category: str
    state: str
    limit: str
    spent: str
    remaining: str
    overspent: bool
    percent: int
    pace: str
    group_id: int | None = None
    rollover: bool = False
    # "€40.00 limit + €12.30 carried" when the month carried something in.
    carried: str = ""


@dataclass(frozen=True)
class GroupTotal:
    """A category group's subtotal over its budgeted categories: texts formatted from the sums."""

    group_id: int
    group: str
    state: str
    limit: str
    spent: str
    remaining: str
    overspent: bool
    percent: int


def budget_page(stored: Any, today: date) -> dict[str, Any]:
    """The month's rows ("table"), its gauges ("gauges"), and the expense categories that can
    still get a limit ("new_category_options")."""
    user_id = current_user_id()
    month = month_from_store(stored, today)
    currency = services.user_currency(user_id)
    categories = services.list_categories(user_id)
    expense = categories[categories["kind"] == "expense"]
    status = services.budget_projection(user_id, month, today)
    budgeted = set(status["category_id"])
    options = [
        {"label": row.name, "value": int(row.id)}
        for row in expense.itertuples()
        if int(row.id) not in budgeted
    ]
    if status.empty:
        notice = no_categories() if expense.empty else no_limits(f"{month:%B %Y}")
        return {"table": notice, "gauges": None, "new_category_options": options}
    group_of = _groups_of(services.list_categories(user_id, True))
    lines = [
        _budget_line(row, currency, month, today, group_of.get(int(row.category_id)))
        for row in status.itertuples()
    ]
    gauges = [_gauge(row, currency) for row in status.itertuples()]
    return {
        "table": budget_table(lines, group_totals(status, group_of, currency)),
        "gauges": gauge_panel(gauges),
        "new_category_options": options,
    }


def _groups_of(categories: Any) -> dict[int, tuple[int, str]]:
    """category id -> (group id, group name), for the grouped categories (from list_categories)."""
    grouped = categories.dropna(subset=["group_id"])
    return {
        int(category): (int(group), str(name))
        for category, group, name in zip(
            grouped["id"], grouped["group_id"], grouped["group"], strict=True
        )
    }


def group_totals(
    status: Any, group_of: dict[int, tuple[int, str]], currency: str
) -> list[GroupTotal]:
    """Each group's limit, spent and remaining summed over its budgeted categories (integer
    minor units), by group name; groups without a budget this month are left out."""
    sums: dict[tuple[str, int], list[int]] = {}
    for row in status.itertuples():
        found = group_of.get(int(row.category_id))
        if found is None:
            continue
        group_id, name = found
        totals = sums.setdefault((name, group_id), [0, 0, 0, 0])
        for index, value in enumerate(
            (row.available_minor, row.spent_minor, row.remaining_minor, row.projected_minor)
        ):
            totals[index] += int(value)
    return [
        GroupTotal(
            group_id=group_id,
            group=name,
            state=figures.budget_state(spent, limit, projected),
            limit=format_money(limit, currency),
            spent=format_money(spent, currency),
            remaining=format_money(remaining, currency),
            overspent=remaining < 0,
            percent=_percent(spent, limit),
        )
        for (name, group_id), (limit, spent, remaining, projected) in sorted(sums.items())
    ]


def _percent(spent: int, limit: int) -> int:
    """How much of the limit is spent, for the bar; refunds never make it negative."""
    if limit > 0:
        return max(0, spent) * 100 // limit
    return 100 if spent > 0 else 0


def _pace(row: Any, currency: str, month: date, today: date) -> str:
    """How the month went, or is going, for a budget_status row of `month`."""
    # What is available (limit + carried) is what the month may spend.
    category, spent, limit = row.category, int(row.spent_minor), int(row.available_minor)
    if month > today:
        return "This month has not started yet."
    if month < month_start(today):
        difference = format_money(abs(limit - spent), currency)
        return f"{category} ended the month {difference} {'over' if spent > limit else 'under'}."
    projected = int(row.projected_minor)
    return figures.pace_sentence(category, spent, limit, projected, currency, _band(row))


def _budget_line(
    row: Any, currency: str, month: date, today: date, group: tuple[int, str] | None = None
) -> BudgetLine:
    spent, limit = int(row.spent_minor), int(row.available_minor)
    projected, remaining = int(row.projected_minor), int(row.remaining_minor)
    return BudgetLine(
        category_id=int(row.category_id),
        category=row.category,
        state=figures.budget_state(spent, limit, projected),
        limit=format_amount(int(row.limit_minor), currency),
        spent=format_money(spent, currency),
        remaining=format_money(remaining, currency),
        overspent=remaining < 0,
        percent=_percent(spent, limit),
        pace=_pace(row, currency, month, today),
        group_id=None if group is None else group[0],
        rollover=bool(row.rollover),
        carried=carried_note(int(row.limit_minor), int(row.carried_minor), currency),
    )


def _band(row: Any) -> tuple[int, int]:
    """The projection's likely range (services.budget_projection): p10 to p90."""
    return int(row.projected_low_minor), int(row.projected_high_minor)


def _gauge(row: Any, currency: str) -> dbc.Col:
    # The meter's limit is what the month may spend: its limit plus what it carried.
    meter = budget_meter(BudgetMonth.of_row(row, currency), str(int(row.category_id)))
    # One per row on phones, as on the overview.
    return dbc.Col(meter, xs=12, sm=6, md=4, xl=3)


def budget_row(line: BudgetLine) -> html.Tr:
    icon, state_text = STATE_ICONS[line.state]
    state = html.Span(
        [html.I(className=f"bi {icon} me-1", **html_attrs({"aria-hidden": "true"})), state_text],
        className=f"budget-state budget-state-{line.state} small",
    )
    # The label wraps the input: pattern-matching ids cannot be named by a label's `for`.
    limit = [
        html.Label(
            [
                html.Span(f"Monthly limit for {line.category}", className="visually-hidden"),
                dbc.Input(
                    id={"type": ids.BUDGET_LIMIT_INPUT, "category": line.category_id},
                    value=line.limit,
                    debounce=True,
                    inputmode="decimal",
                    autocomplete="off",
                    size="sm",
                    class_name="budget-limit-input",
                ),
            ],
            className="d-block mb-0",
        ),
        html.Div(
            id={"type": ids.BUDGET_LIMIT_ERROR, "category": line.category_id},
            className="invalid-feedback d-block",
        ),
        html.Div(line.carried, className="small text-muted budget-carried") if line.carried else "",
        rollover_toggle(line.category_id, line.category, line.rollover),
    ]
    progress = progress_bar(
        line.percent,
        f"{line.category}: share of the limit spent",
        PROGRESS_COLORS[line.state],
        "budget-progress",
    )
    # data-label names a cell where phones show the row as a card (assets/app.css).
    return html.Tr(
        [
            html.Td(
                [html.Div(line.category, className="fw-semibold"), state],
                className=WIDE + (" budget-in-group" if line.group_id is not None else ""),
            ),
            html.Td(limit, **html_attrs({"data-label": "Limit"})),
            html.Td(line.spent, className="text-end", **html_attrs({"data-label": "Spent"})),
            html.Td(
                line.remaining,
                className="text-end" + (" fw-semibold budget-overspent" if line.overspent else ""),
                **html_attrs({"data-label": "Remaining"}),
            ),
            html.Td(
                [progress, html.Div(line.pace, className="small text-muted mt-1 budget-pace")],
                className=f"budget-progress-cell {WIDE}",
            ),
        ],
        className=f"budget-row budget-row-{line.state}",
    )


def group_row(total: GroupTotal) -> html.Tr:
    """A group's subtotal, above its categories' rows."""
    icon, state_text = STATE_ICONS[total.state]
    state = html.Span(
        [html.I(className=f"bi {icon} me-1", **html_attrs({"aria-hidden": "true"})), state_text],
        className=f"budget-state budget-state-{total.state} small",
    )
    progress = progress_bar(
        total.percent,
        f"{total.group}: share of the group's limits spent",
        PROGRESS_COLORS[total.state],
        "budget-progress",
    )
    return html.Tr(
        [
            html.Td(
                [
                    html.Div(total.group, className="fw-bold"),
                    html.Span("Group total", className="small text-muted me-2"),
                    state,
                ],
                className=WIDE,
            ),
            html.Td(total.limit, **html_attrs({"data-label": "Limit"})),
            html.Td(total.spent, className="text-end", **html_attrs({"data-label": "Spent"})),
            html.Td(
                total.remaining,
                className="text-end fw-semibold" + (" budget-overspent" if total.overspent else ""),
                **html_attrs({"data-label": "Remaining"}),
            ),
            html.Td(progress, className=f"budget-progress-cell {WIDE}"),
        ],
        className=f"budget-group-row budget-group-row-{total.state} table-group-divider",
    )


def _ordered_rows(lines: list[BudgetLine], totals: list[GroupTotal]) -> list[html.Tr]:
    """Each group's subtotal then its categories, by group name; then the categories in no
    group, in the order they came."""
    rows = []
    for total in totals:
        rows.append(group_row(total))
        rows += [budget_row(line) for line in lines if line.group_id == total.group_id]
    return rows + [budget_row(line) for line in lines if line.group_id is None]


def budget_table(lines: list[BudgetLine], totals: list[GroupTotal] | None = None) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [
                html.Th("Category"),
                html.Th("Limit"),
                html.Th("Spent", className="text-end"),
                html.Th("Remaining", className="text-end"),
                html.Th("Progress"),
            ]
        )
    )
    rows = html.Tbody(_ordered_rows(lines, totals or []))
    return dbc.Table(
        [head, rows], hover=True, responsive=True, class_name=f"budget-table {CARDS_ON_PHONES}"
    )


def no_categories() -> html.Div:
    return empty_state(
        "No expense categories yet",
        "A budget sets a monthly limit per expense category. Add your categories first.",
        "Add categories",
        "/accounts",
    )


def no_limits(month_label: str) -> dbc.Alert:
    return dbc.Alert(
        [
            html.I(className="bi bi-info-circle me-2", **html_attrs({"aria-hidden": "true"})),
            f"No limits for {month_label} yet. Copy last month's limits with the button above, "
            "or add a limit below.",
        ],
        color="info",
        class_name="budget-empty",
    )


def gauge_panel(gauges: list) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span("Spent against each limit", className="fw-semibold"),
                    html.Small(
                        "the marker: where the month likely ends; the blue band: its likely "
                        "range (10th–90th percentile)",
                        className="text-muted ms-2",
                    ),
                ]
            ),
            dbc.CardBody(dbc.Row(gauges, class_name="g-1"), class_name="p-2"),
        ]
    )
