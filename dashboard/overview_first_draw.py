"""A warm overview comes whole with its page: the charts do not wait for a request of their own.

The overview's callback (callbacks/overview_page.py) is called when its page is drawn: the
page's answer, rendered, then that request, then its answer, then the charts. When its answer
for the page's first call is already cached (this view was answered since the user's last
write), the page carries it: every output's value set in the page's components, and the
`overview-drawn` store set to the inputs it was drawn from, so the callback's call on load finds
nothing to redraw. A cold view is as before: the page with its KPIs and meters, the callback
draws the rest.
"""

from __future__ import annotations

from typing import Any

from dashboard.callbacks.overview_page import OUTPUTS
from dashboard.layout_walk import props_by_id
from dashboard.overview_ids import OVERVIEW_DRAWN


def drawn_page(layout: Any, answer: dict[str, Any], inputs: dict[str, Any]) -> Any | None:
    """`layout` (the page as JSON, changed in place) with `answer`'s values in its components.
    None, and the page left as it came, if a component of the answer is not in it: the page
    then goes unmarked and the callback draws everything, as on a cold view."""
    values_by_id: dict[str, dict[str, Any]] = {}
    for name, output in OUTPUTS.items():
        if name in answer:
            values_by_id.setdefault(str(output.component_id), {})[output.component_property] = (
                answer[name]
            )
    values_by_id[OVERVIEW_DRAWN] = {"data": inputs}
    found = props_by_id(layout)
    if not values_by_id.keys() <= found.keys():
        return None
    for component_id, props in values_by_id.items():
        found[component_id].update(props)
    return layout
