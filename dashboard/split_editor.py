"""The parts of a split transaction in the entry form and the edit modal: one row per part
(category, amount, memo), a button that adds a part, and what is left to assign.

What is left is worked out in the browser as the person types (SPLIT_LEFT_JS), in exact
integer arithmetic on the typed text, never with floats; the server checks it again on save.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.forms import NO_CATEGORY

SPLIT_HELP = (
    "Divide the amount among categories: the parts must add up to it exactly. "
    "Leave a part empty to drop it."
)
# Inputs: the transaction's amount, then every part's amount. Output: the text of what is left.
# Amounts are read as a person types them (-12.50, 1,234.5, 1 234,50 is not accepted: the
# server says why) and summed as integers of thousandths, so 0.1 + 0.2 is exactly 0.3.
SPLIT_LEFT_JS = """
function(total, parts) {
    function units(text) {
        if (text === null || text === undefined) { return null; }
        const t = String(text).replace(/[\\s,']/g, '');
        if (t === '') { return 0n; }
        const m = /^([+-]?)([0-9]*)(?:\\.([0-9]{0,3}))?$/.exec(t);
        if (!m || (m[2] === '' && (m[3] || '') === '')) { return null; }
        const whole = BigInt(m[2] || '0') * 1000n + BigInt(((m[3] || '') + '000').slice(0, 3));
        return m[1] === '-' ? -whole : whole;
    }
    const filled = (parts || []).filter((p) => p !== null && p !== undefined && String(p).trim());
    if (!filled.length) { return ''; }
    const sum = filled.map(units);
    const whole = units(total);
    if (whole === null || sum.some((v) => v === null)) { return 'Some amount is not a number.'; }
    const left = whole - sum.reduce((a, b) => a + b, 0n);
    if (left === 0n) { return 'The parts add up to the amount.'; }
    const sign = left < 0n ? '-' : '';
    const abs = left < 0n ? -left : left;
    const cents = (abs % 1000n).toString().padStart(3, '0').replace(/0$/, '');
    return 'Left to assign: ' + sign + (abs / 1000n).toString() + '.' + cents;
}
"""


def labelled(text: str, control: Any) -> html.Label:
    """A control inside its label: a part's inputs have dict ids, which no `for` can name."""
    return html.Label([html.Span(text, className="visually-hidden"), control], className="w-100")


def part_row(
    form: str,
    index: int,
    options: list[dict[str, Any]],
    tag_options: list[dict[str, str]],
    part: Any = None,
) -> dbc.Row:
    """One part's inputs; `part` (a dict with category, amount, memo and tags as the inputs
    show them) fills them in."""
    values = part or {}

    def part_id(kind: str) -> dict[str, object]:
        return ids.split_part_id(kind, form, index)

    controls = [
        ("Category", (12, 3), dbc.Select(
            id=part_id(ids.SPLIT_CATEGORY), options=options,
            value=values.get("category", NO_CATEGORY),
        )),
        ("Amount", (6, 2), dbc.Input(
            id=part_id(ids.SPLIT_AMOUNT), value=values.get("amount", ""), inputmode="decimal",
            autocomplete="off", placeholder="Amount",
        )),
        ("Memo", (6, 3), dbc.Input(
            id=part_id(ids.SPLIT_MEMO), value=values.get("memo", ""), placeholder="Memo"
        )),
        ("Tags", (12, 4), dcc.Dropdown(
            id=part_id(ids.SPLIT_TAGS), multi=True, options=tag_options,
            value=list(values.get("tags", [])), placeholder="Tags",
        )),
    ]  # fmt: skip
    return dbc.Row(
        [
            dbc.Col(labelled(f"{name} of part {index + 1}", control), xs=xs, sm=sm)
            for name, (xs, sm), control in controls
        ],
        className="g-2 mb-2 split-part",
    )


def split_box(form: str, parts_id: str, add_id: str, left_id: str) -> html.Div:
    """The parts, the button that adds one, and what is left to assign (live)."""
    return html.Div(
        [
            html.Div(id=parts_id),
            html.Div(
                [
                    dbc.Button(
                        [html.I(className="bi bi-plus-lg me-1"), "Add a part"],
                        id=add_id,
                        color="secondary",
                        outline=True,
                        size="sm",
                        className="me-3",
                    ),
                    html.Span(id=left_id, className="small", role="status"),
                ],
                className="d-flex align-items-center",
            ),
            dbc.FormText(SPLIT_HELP),
        ],
        className=f"split-box split-box-{form} mt-2",
    )
