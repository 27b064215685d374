"""Overview callbacks: KPIs, charts, gauges and the cross-filter clicks that connect them."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import figures, ids, services
from dashboard.auth import current_user_id
from dashboard.callbacks.transactions import category_label
from dashboard.components import empty_state, gauge_graph
from dashboard.forms import month_start, parse_filters
from data.money import format_money
from data.queries import Filters

FILTER_INPUTS = (
    Input(ids.FILTERS_STORE, "data"),
    Input(ids.CROSS_FILTER_STORE, "data"),
    Input(ids.THEME_SWITCH, "value"),
)
RECENT_ROWS = 12


def theme_name(dark: Any) -> str:
    return "dark" if dark else "light"


def _delta(current: int | float | None, previous: int | float | None, money: bool, currency: str):
    if current is None or previous is None:
        return ""
    change = current - previous
    if money:
        text = format_money(int(change), currency)
        text = text if change < 0 else f"+{text}"
    else:
        text = f"{change * 100:+.1f} pts"
    return f"{text} vs previous period"


def kpis(user_id: int, filters: Filters) -> tuple:
    """Values and 'vs previous period' lines for income, spending, net and savings rate."""
    currency = services.user_currency(user_id)
    now = services.totals(user_id, filters)
    before = services.totals(user_id, filters.previous_period())
    rate = now["savings_rate"]
    return (
        format_money(now["income_minor"], currency),
        _delta(now["income_minor"], before["income_minor"], True, currency),
        format_money(now["spending_minor"], currency),
        _delta(now["spending_minor"], before["spending_minor"], True, currency),
        format_money(now["net_minor"], currency),
        _delta(now["net_minor"], before["net_minor"], True, currency),
        "—" if rate is None else f"{rate * 100:.1f}%",
        _delta(rate, before["savings_rate"], False, currency),
    )


def empty_banner(user_id: int) -> Any:
    """A new user's first screen says what to do first."""
    if not services.list_accounts(user_id).empty:
        return None
    return empty_state(
        "Welcome to Finance Tracker",
        "Start by adding an account, then enter your first transaction.",
        "Add an account",
        "/settings",
    )


def category_chart(user_id: int, filters: Filters, theme: str, cross: dict):
    df = services.spending_by_category(user_id, filters)
    return figures.spending_by_category(
        df, services.user_currency(user_id), theme, cross.get("category_id")
    )


def monthly_chart(user_id: int, filters: Filters, theme: str, cross: dict):
    df = services.income_spending_by_month(user_id, filters)
    return figures.income_spending_by_month(
        df, services.user_currency(user_id), theme, cross.get("month")
    )


def stacked_chart(user_id: int, filters: Filters, theme: str):
    wide = services.spending_by_month_category(user_id, filters)
    categories = services.list_categories(user_id, True)
    colors = dict(zip(categories["name"], categories["color"], strict=True))
    return figures.spending_over_time(wide, colors, services.user_currency(user_id), theme)


def net_worth_chart(user_id: int, filters: Filters, theme: str):
    balances = services.balances_by_month(user_id, filters)
    return figures.net_worth(balances, services.user_currency(user_id), theme)


def payees_chart(user_id: int, filters: Filters, theme: str, cross: dict):
    df = services.top_payees(user_id, filters, 10)
    return figures.top_payees(df, services.user_currency(user_id), theme, cross.get("payee"))


def gauges(user_id: int, filters: Filters, theme: str, today: date) -> Any:
    status = services.budget_status(user_id, month_start(today), today, filters.account_ids)
    if status.empty:
        return html.P(
            ["No budgets for this month yet. ", html.A("Set some limits", href="/budgets"), "."],
            className="text-muted m-2",
        )
    currency = services.user_currency(user_id)
    cards = []
    for row in status.itertuples():
        spent, limit = int(row.spent_minor), int(row.limit_minor)
        projected = int(row.projected_minor)
        state = figures.budget_state(spent, limit, projected)
        cards.append(
            dbc.Col(
                html.Div(
                    [
                        gauge_graph(
                            figures.budget_gauge(
                                row.category, spent, limit, projected, currency, theme
                            ),
                            str(int(row.category_id)),
                        ),
                        html.Div(
                            figures.pace_sentence(row.category, spent, limit, projected, currency),
                            className=f"small text-center gauge-pace state-{state}",
                        ),
                    ],
                    className="gauge-cell",
                ),
                # One per row on phones: two would leave each gauge ~165 px wide, too small
                # for its amount and its end label.
                xs=12,
                sm=6,
                xl=4,
            )
        )
    return dbc.Row(cards, className="g-1")


def recent_transactions(user_id: int, filters: Filters) -> Any:
    """The newest rows matching every active filter: what a chart click narrows down to."""
    page = services.transactions_page(user_id, filters, None, (("date", "desc"),), 0, RECENT_ROWS)
    if page.total_count == 0:
        return html.P("No transactions match these filters.", className="text-muted m-3")
    rows = [
        html.Tr(
            [
                html.Td(str(row.date)),
                html.Td(row.payee),
                html.Td(category_label(row.category, row.transfer_peer_id)),
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
    elif source == ids.CHART_PAYEES:
        payee = str(point.get("y", ""))[:200]
        if cross.get("payee") == payee:
            cross.pop("payee", None)
        else:
            cross["payee"] = payee
    return cross


def _filters(filter_store: Any, cross_store: Any) -> Filters:
    return parse_filters(filter_store, cross_store, date.today())


def register(app: Dash) -> None:
    kpi_outputs = [
        Output(f"{card}-{part}", "children")
        for card in (ids.KPI_INCOME, ids.KPI_SPENDING, ids.KPI_NET, ids.KPI_SAVINGS_RATE)
        for part in ("value", "delta")
    ]

    @app.callback(*kpi_outputs, *FILTER_INPUTS[:2])
    def _kpis(filter_store, cross_store):
        return kpis(current_user_id(), _filters(filter_store, cross_store))

    @app.callback(Output(ids.OVERVIEW_EMPTY, "children"), Input(ids.URL, "pathname"))
    def _empty(_pathname):
        return empty_banner(current_user_id())

    @app.callback(Output(ids.CHART_CATEGORY, "figure"), *FILTER_INPUTS)
    def _category(filter_store, cross_store, dark):
        filters = _filters(filter_store, {**(cross_store or {}), "category_id": None})
        return category_chart(current_user_id(), filters, theme_name(dark), cross_store or {})

    @app.callback(Output(ids.CHART_MONTHLY, "figure"), *FILTER_INPUTS)
    def _monthly(filter_store, cross_store, dark):
        filters = _filters(filter_store, {**(cross_store or {}), "month": None})
        return monthly_chart(current_user_id(), filters, theme_name(dark), cross_store or {})

    @app.callback(Output(ids.CHART_STACKED, "figure"), *FILTER_INPUTS)
    def _stacked(filter_store, cross_store, dark):
        filters = _filters(filter_store, {**(cross_store or {}), "month": None})
        return stacked_chart(current_user_id(), filters, theme_name(dark))

    @app.callback(Output(ids.CHART_NET_WORTH, "figure"), *FILTER_INPUTS)
    def _net_worth(filter_store, cross_store, dark):
        return net_worth_chart(
            current_user_id(), _filters(filter_store, cross_store), theme_name(dark)
        )

    @app.callback(Output(ids.CHART_PAYEES, "figure"), *FILTER_INPUTS)
    def _payees(filter_store, cross_store, dark):
        filters = _filters(filter_store, {**(cross_store or {}), "payee": None})
        return payees_chart(current_user_id(), filters, theme_name(dark), cross_store or {})

    @app.callback(Output(ids.GAUGES, "children"), *FILTER_INPUTS)
    def _gauges(filter_store, cross_store, dark):
        filters = _filters(filter_store, cross_store)
        return gauges(current_user_id(), filters, theme_name(dark), date.today())

    @app.callback(Output(ids.OVERVIEW_TRANSACTIONS, "children"), *FILTER_INPUTS[:2])
    def _recent(filter_store, cross_store):
        return recent_transactions(current_user_id(), _filters(filter_store, cross_store))

    @app.callback(
        Output(ids.CROSS_FILTER_STORE, "data", allow_duplicate=True),
        Input(ids.CHART_CATEGORY, "clickData"),
        Input(ids.CHART_MONTHLY, "clickData"),
        Input(ids.CHART_STACKED, "clickData"),
        Input(ids.CHART_PAYEES, "clickData"),
        State(ids.CROSS_FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    def _cross_filter(*args):
        cross = args[-1]
        source = ctx.triggered_id
        click = ctx.triggered[0]["value"] if ctx.triggered else None
        if source is None or not click:
            return no_update
        return toggle_cross_filter(cross, source, click)
