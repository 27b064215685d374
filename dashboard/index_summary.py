"""The page's first HTML carries the signed-in user's headline numbers as plain text.

Dash renders everything with JavaScript; without it (a screen reader on a slow link, `curl`, a
browser with scripts off) the page would say nothing. A <noscript> summary costs one cached read.
"""

from __future__ import annotations

from datetime import date

from dash import Dash
from flask_login import current_user
from markupsafe import escape

from dashboard import services
from dashboard.forms import DATE_PRESETS, DEFAULT_PRESET, preset_period
from data.filters import Filters
from data.money import format_money


def summary_html(user_id: int, today: date) -> str:
    first, last = preset_period(DEFAULT_PRESET, today)
    totals = services.totals(user_id, Filters(date_from=first, date_to=last))
    currency = services.user_currency(user_id)
    rate = totals["savings_rate"]
    lines = [
        ("Income", format_money(totals["income_minor"], currency)),
        ("Spending", format_money(totals["spending_minor"], currency)),
        ("Net", format_money(totals["net_minor"], currency)),
        ("Savings rate", "—" if rate is None else f"{rate * 100:.1f}%"),
    ]
    items = "".join(f"<li>{escape(label)}: {escape(value)}</li>" for label, value in lines)
    period = f"{DATE_PRESETS[DEFAULT_PRESET]} ({first.isoformat()} to {last.isoformat()})"
    return (
        '<noscript><div class="container py-3" id="summary-without-script">'
        f"<p>{escape(period)}:</p><ul>{items}</ul>"
        "<p>The charts need JavaScript.</p></div></noscript>"
    )


def install(app: Dash) -> None:
    render_index = app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        if current_user.is_authenticated:
            parts["app_entry"] = summary_html(current_user.id, date.today()) + parts["app_entry"]
        return render_index(**parts)

    # Dash's documented hook for the index page is replacing this method (it calls it with
    # keywords only, which is all this one takes); mypy refuses any assignment to a method.
    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]
