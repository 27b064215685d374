"""The overview's parts (KPIs, charts, meters, recent rows) as plain functions, and the clicks
that connect them; callbacks/overview_page.py draws them all in one callback."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import figures, ids, services
from dashboard.budget_meter import BudgetMonth, budget_meter
from dashboard.callbacks import overview_groups as grouping
from dashboard.callbacks.overview_groups import GroupView
from dashboard.callbacks.transactions import category_label
from dashboard.components import VIEW_GROUPS, empty_state
from dashboard.forms import parse_filters
from dashboard.overview_ids import CROSS_FILTER_NEXT
from data.filters import Filters
from data.lookups import GridRequest
from data.money import format_money

if TYPE_CHECKING:  # the type only: callbacks read through dashboard.services
    from data.queries import MoneyTotal
from data.months import month_start

# The KPI cards that show money, each with the total it shows.
MONEY_KPIS: tuple[tuple[str, MoneyTotal], ...] = (
    ("income", "income_minor"),
    ("spending", "spending_minor"),
    ("net", "net_minor"),
)
KPI_CARDS = {
    "income": ids.KPI_INCOME,
    "spending": ids.KPI_SPENDING,
    "net": ids.KPI_NET,
    "savings_rate": ids.KPI_SAVINGS_RATE,
}
# "income_value", "income_delta", ...: the text of each KPI card and its 'vs previous' line.
KPI_OUTPUTS = {
    f"{name}_{part}": Output(f"{card}-{part}", "children")
    for name, card in KPI_CARDS.items()
    for part in ("value", "delta")
}
RECENT_ROWS = 12


def theme_name(dark: Any) -> str:
    return "dark" if dark else "light"


def _delta(
    current: int | float | None, previous: int | float | None, money: bool, currency: str
) -> str:
    if current is None or previous is None:
        return ""
    change = current - previous
    if money:
        text = format_money(int(change), currency)
        text = text if change < 0 else f"+{text}"
    else:
        text = f"{change * 100:+.1f} pts"
    return f"{text} vs previous period"


def kpis(user_id: int, filters: Filters) -> dict[str, str]:
    """Values and 'vs previous period' lines for income, spending, net and savings rate, keyed
    as KPI_OUTPUTS."""
    currency = services.user_currency(user_id)
    now = services.totals(user_id, filters)
    before = services.totals(user_id, filters.previous_period())
    values: dict[str, str] = {}
    for name, total in MONEY_KPIS:
        values[f"{name}_value"] = format_money(now[total], currency)
        values[f"{name}_delta"] = _delta(now[total], before[total], True, currency)
    rate = now["savings_rate"]
    values["savings_rate_value"] = "—" if rate is None else f"{rate * 100:.1f}%"
    values["savings_rate_delta"] = _delta(rate, before["savings_rate"], False, currency)
    return values


def empty_banner(user_id: int) -> Any:
    """A new user's first screen says what to do first."""
    if not services.list_accounts(user_id).empty:
        return None
    return empty_state(
        "Welcome to Finance Tracker",
        "Start by adding an account, then enter your first transaction.",
        "Add an account",
        "/accounts",
    )


def category_chart(
    user_id: int, filters: Filters, theme: str, cross: dict, view: GroupView
) -> figures.Figure:
    df = services.spending_by_category(user_id, filters)
    currency = services.user_currency(user_id)
    selected = cross.get("category_id")
    if not view.by_group:
        return figures.spending_by_category(df, currency, theme, selected)
    categories = services.list_categories(user_id, True)
    if view.group_id is not None:
        shown = grouping.spending_in_group(df, categories, view.group_id)
        return figures.spending_by_category(shown, currency, theme, selected)
    return figures.spending_by_category(
        grouping.spending_by_group(df, categories),
        currency,
        theme,
        selected,
        grouping.group_of_category(categories, selected),
    )


def monthly_chart(
    user_id: int, filters: Filters, theme: str, cross: dict, _view: GroupView
) -> figures.Figure:
    df = services.income_spending_by_month(user_id, filters)
    return figures.income_spending_by_month(
        df, services.user_currency(user_id), theme, cross.get("month")
    )


def stacked_chart(
    user_id: int, filters: Filters, theme: str, _cross: dict, view: GroupView
) -> figures.Figure:
    wide = services.spending_by_month_category(user_id, filters)
    categories = services.list_categories(user_id, True)
    colors = dict(zip(categories["name"], categories["color"], strict=True))
    if view.group_id is not None:
        wide = grouping.wide_in_group(wide, categories, view.group_id)
    elif view.by_group:
        wide = grouping.wide_by_group(wide, categories)
    return figures.spending_over_time(wide, colors, services.user_currency(user_id), theme)


def net_worth_chart(
    user_id: int, filters: Filters, theme: str, _cross: dict, _view: GroupView
) -> figures.Figure:
    balances = services.balances_by_month(user_id, filters)
    return figures.net_worth(balances, services.user_currency(user_id), theme)


def payees_chart(
    user_id: int, filters: Filters, theme: str, cross: dict, _view: GroupView
) -> figures.Figure:
    df = services.top_payees(user_id, filters, 10)
    return figures.top_payees(df, services.user_currency(user_id), theme, cross.get("payee"))


def tags_chart(
    user_id: int, filters: Filters, theme: str, cross: dict, _view: GroupView
) -> figures.Figure:
    df = services.spending_by_tag(user_id, filters)
    return figures.spending_by_tag(df, services.user_currency(user_id), theme, cross.get("tag_id"))


def gauges(user_id: int, filters: Filters, today: date) -> Any:
    """This month's budget meters (dashboard/budget_meter.py), each with its pace sentence."""
    status = services.budget_projection(user_id, month_start(today), today, filters.account_ids)
    if status.empty:
        return html.P(
            ["No budgets for this month yet. ", html.A("Set some limits", href="/budgets"), "."],
            className="text-muted m-2",
        )
    currency = services.user_currency(user_id)
    cards = []
    for row in status.itertuples():
        # limit: what the month may spend, the limit plus what a rollover category carried in.
        month = BudgetMonth.of_row(row, currency)
        sentence = figures.pace_sentence(
            month.category, month.spent, month.limit, month.projected, currency, month.band
        )
        cards.append(
            dbc.Col(
                [
                    budget_meter(month, str(int(row.category_id))),
                    html.Div(
                        sentence,
                        className=f"small px-2 pb-2 gauge-pace state-{month.state}",
                    ),
                ],
                className="gauge-cell",
                # One per row on phones, two from small tablets on, three on wide screens.
                xs=12,
                sm=6,
                xl=4,
            )
        )
    return dbc.Row(cards, className="g-1")


def recent_transactions(user_id: int, filters: Filters) -> Any:
    """The newest rows matching every active filter: what a chart click narrows down to."""
    page = services.transactions_page(user_id, filters, GridRequest(limit=RECENT_ROWS))
    if page.total_count == 0:
        return html.P("No transactions match these filters.", className="text-muted m-3")
    rows = [
        html.Tr(
            [
                html.Td(str(row.date)),
                html.Td(row.payee),
                html.Td(category_label(row.category, row.transfer_peer_id, int(row.parts))),
                html.Td(row.account, className="d-none d-md-table-cell"),
                html.Td(
                    format_money(int(row.amount_minor), row.currency),
                    className="text-end "
                    + ("text-danger" if row.amount_minor < 0 else "text-success"),
                ),
            ]
        )
        for row in page.rows.itertuples()
    ]
    currency = services.user_currency(user_id)
    footer = html.Div(
        f"{page.total_count:,} transactions, total {format_money(page.total_minor, currency)}",
        className="small text-muted px-3 py-2",
        id="overview-transactions-summary",
    )
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th("Date"),
                        html.Th("Payee"),
                        html.Th("Category"),
                        html.Th("Account", className="d-none d-md-table-cell"),
                        html.Th("Amount", className="text-end"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        size="sm",
        hover=True,
        responsive=True,
        className="mb-0",
    )
    return html.Div([table, footer])


def toggle_cross_filter(cross: dict | None, source: str, click: dict | None) -> dict:
    """A click on a chart sets that dimension of the cross-filter; the same click clears it."""
    cross = dict(cross or {})
    points = (click or {}).get("points") or []
    if not points:
        return cross
    point = points[0]
    if source == ids.CHART_CATEGORY:
        if grouping.clicked_group(click) is not None:
            return cross  # a group's bar drills into the group (overview_groups.drill_after)
        custom = point.get("customdata")
        category_id = custom[0] if isinstance(custom, list) and custom else None
        if not isinstance(category_id, int) or cross.get("category_id") == category_id:
            cross.pop("category_id", None)
            cross.pop("category", None)
        else:
            cross["category_id"] = category_id
            cross["category"] = str(point.get("y", ""))[:100]
    elif source in {ids.CHART_MONTHLY, ids.CHART_STACKED}:
        month = str(point.get("x", ""))[:7]
        if cross.get("month") == month or len(month) != 7:
            cross.pop("month", None)
        else:
            cross["month"] = month
    elif source == ids.CHART_TAGS:
        custom = point.get("customdata")
        tag_id = custom[0] if isinstance(custom, list) and custom else None
        if not isinstance(tag_id, int) or cross.get("tag_id") == tag_id:
            cross.pop("tag_id", None)
            cross.pop("tag", None)
        else:
            cross["tag_id"] = tag_id
            cross["tag"] = str(point.get("y", ""))[:50]
    elif source == ids.CHART_PAYEES:
        payee = str(point.get("y", ""))[:200]
        if cross.get("payee") == payee:
            cross.pop("payee", None)
        else:
            cross["payee"] = payee
    return cross


def as_dict(store: Any) -> dict:
    """A store's content as a dict: what the client sent may be anything."""
    return store if isinstance(store, dict) else {}


def chart_filters(
    filter_store: Any, cross_store: Any, own_dimension: str | None, today: date
) -> Filters:
    """What one chart shows: every filter, except the cross-filter dimension its own click sets,
    so the clicked bar stays among the others (highlighted) and a second click can clear it."""
    cross = as_dict(cross_store)
    if own_dimension is not None:
        cross = {**cross, own_dimension: None}
    return parse_filters(filter_store, cross, today)


def cross_filter_after_click(cross: Any, source: Any, clicks: dict[str, Any]) -> Any:
    """The cross-filter store after a click on the chart `source`; no_update for no click."""
    click = clicks.get(source) if isinstance(source, str) else None
    if not click:
        return no_update
    return toggle_cross_filter(as_dict(cross), source, click)


ChartBuilder = Callable[[int, Filters, str, dict, GroupView], Any]

# Each chart: how it is built, and the cross-filter dimension a click on it sets (which its own
# data ignores, see chart_filters). The net worth chart is not clickable.
CHARTS: dict[str, tuple[ChartBuilder, str | None]] = {
    ids.CHART_CATEGORY: (category_chart, "category_id"),
    ids.CHART_MONTHLY: (monthly_chart, "month"),
    ids.CHART_STACKED: (stacked_chart, "month"),
    ids.CHART_NET_WORTH: (net_worth_chart, None),
    ids.CHART_PAYEES: (payees_chart, "payee"),
    ids.CHART_TAGS: (tags_chart, "tag_id"),
}
CLICKABLE_CHARTS = tuple(chart for chart, (_, own) in CHARTS.items() if own is not None)
# The charts the Categories / Groups toggle applies to.
GROUPED_CHARTS = frozenset({ids.CHART_CATEGORY, ids.CHART_STACKED})


def chart_view(user_id: int, view: Any, drill: Any) -> GroupView:
    """The group view asked for, checked against the user's own groups."""
    if view != VIEW_GROUPS:
        return GroupView()
    return grouping.group_view(view, drill, services.list_category_groups(user_id))


def breadcrumb(user_id: int, view: Any, drill: Any) -> dict[str, Any]:
    """The breadcrumb "All groups › Housing": hidden unless a group is drilled into."""
    shown = chart_view(user_id, view, drill)
    return {"hidden": shown.group_id is None, "current": shown.group}


def register(app: Dash) -> None:
    """The overview's clicks; what they and the filters redraw is callbacks/overview_page.py."""

    @app.callback(
        output=Output(ids.CATEGORY_DRILL_STORE, "data"),
        inputs={
            "click": Input(ids.CHART_CATEGORY, "clickData"),
            "_back": Input(ids.CATEGORY_DRILL_ROOT, "n_clicks"),
            "view": Input(ids.CATEGORY_VIEW, "value"),
        },
        state={"drill": State(ids.CATEGORY_DRILL_STORE, "data")},
        prevent_initial_call=True,
    )
    def _drill(click: Any, _back: Any, view: Any, drill: Any) -> Any:
        return grouping.drill_after(ctx.triggered_id, click, view, drill)

    # The clicks' output is in the page (dashboard/overview_ids.py): drawing the page does not
    # call it; the browser copies its answer to the shell's cross-filter store.
    @app.callback(
        output=Output(CROSS_FILTER_NEXT, "data"),
        inputs={"clicks": {chart: Input(chart, "clickData") for chart in CLICKABLE_CHARTS}},
        state={"cross": State(ids.CROSS_FILTER_STORE, "data")},
        prevent_initial_call=True,
    )
    def _cross_filter(clicks: dict[str, Any], cross: Any) -> Any:
        after = cross_filter_after_click(cross, ctx.triggered_id, clicks)
        # A group's bar (a drill, not a filter) leaves the store as it was: nothing to send.
        if after is no_update or after == as_dict(cross):
            return no_update
        # Stamped: the same click after a chip's removal is a new value of this store too.
        return {"cross": after, "at": time.time_ns()}

    app.clientside_callback(
        """
        function(next) {
            return next && next.cross ? next.cross : window.dash_clientside.no_update;
        }
        """,
        Output(ids.CROSS_FILTER_STORE, "data", allow_duplicate=True),
        Input(CROSS_FILTER_NEXT, "data"),
        prevent_initial_call=True,
    )
