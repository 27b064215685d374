"""Category groups in a real browser: the overview's Categories / Groups toggle, a click on a
group's bar drilling into its categories, and the breadcrumb back out."""

from __future__ import annotations

from dashboard import ids
from data.demo_household import GROUPS
from tests.e2e.conftest import wait_until
from tests.e2e.test_overview import wait_for_points

HOUSING = dict(GROUPS)["Housing"]
# A chart's bar labels (horizontal bars) or trace names (the stacked chart), once drawn.
LABELS_JS = """args => {
  const plot = document.querySelector(`[id="${args[0]}"] .js-plotly-plot`);
  if (!plot || !plot.data || !plot.data.length) return null;
  return args[1] === "y" ? plot.data[0].y : plot.data.map(trace => trace.name);
}"""
SHOWS_JS = f"""args => {{
  const labels = ({LABELS_JS})([args[0], args[1]]);
  return !!labels && args[2].every(l => labels.includes(l))
    && args[3].every(l => !labels.includes(l)) ? labels : null;
}}"""
VISIBLE_JS = """id => { const e = document.getElementById(id); return !!e && !e.hidden; }"""


def wait_for_labels(page, chart: str, axis: str, present: list[str], absent: list[str]) -> list:
    return wait_until(page, SHOWS_JS, [chart, axis, present, absent])


def click_bar(page, chart: str, label: str) -> None:
    """Click the horizontal bar labelled `label` (plotly draws one path per point, in order)."""
    index = page.evaluate(f"args => ({LABELS_JS})([args[0], 'y']).indexOf(args[1])", [chart, label])
    assert index >= 0, label
    bar = page.locator(f"#{chart} .bars .point path").nth(index)
    box = bar.bounding_box()
    assert box is not None, label
    # Its middle: a small group's bar may be only a few pixels long.
    bar.click(position={"x": box["width"] / 2, "y": box["height"] / 2}, force=True)


def test_a_group_drills_into_its_categories_and_the_breadcrumb_goes_back(page):
    wait_for_points(page, ids.CHART_CATEGORY)
    wait_for_labels(page, ids.CHART_CATEGORY, "y", ["Rent", "Groceries"], ["Housing"])
    breadcrumb = page.locator(f"#{ids.CATEGORY_BREADCRUMB}")
    assert breadcrumb.is_hidden()

    page.locator(f"#{ids.CATEGORY_VIEW} label", has_text="Groups").click()
    groups = wait_for_labels(page, ids.CHART_CATEGORY, "y", ["Housing", "Food"], ["Rent"])
    # A category in no group keeps its own bar.
    assert "Gifts" in groups
    wait_for_labels(page, ids.CHART_STACKED, "name", ["Housing", "Food"], ["Rent", "Groceries"])

    click_bar(page, ids.CHART_CATEGORY, "Housing")
    wait_until(page, VISIBLE_JS, ids.CATEGORY_BREADCRUMB)
    # "All groups › Housing": the divider is Bootstrap's ::before, not text.
    assert breadcrumb.inner_text().split() == ["All", "groups", "Housing"]
    current = page.locator(f"#{ids.CATEGORY_DRILL_CURRENT}")
    assert current.get_attribute("aria-current") == "page"
    drilled = wait_for_labels(page, ids.CHART_CATEGORY, "y", ["Rent"], ["Housing", "Food"])
    assert set(drilled) <= set(HOUSING)
    stacked = wait_for_labels(page, ids.CHART_STACKED, "name", ["Rent"], ["Housing", "Food"])
    assert set(stacked) <= set(HOUSING)
    # Drilling is not filtering: no chip, and the other charts are as they were.
    assert page.locator(".filter-chip").count() == 0

    # Inside the group a category's bar still cross-filters by that category.
    click_bar(page, ids.CHART_CATEGORY, "Rent")
    chip = page.locator(".filter-chip", has_text="Category: Rent")
    chip.wait_for()
    chip.locator(".chip-remove").click()
    chip.wait_for(state="detached")

    page.locator(f"#{ids.CATEGORY_DRILL_ROOT}").click()
    wait_until(page, f"id => !({VISIBLE_JS})(id)", ids.CATEGORY_BREADCRUMB)
    wait_for_labels(page, ids.CHART_CATEGORY, "y", ["Housing", "Food", "Gifts"], ["Rent"])
    wait_for_labels(page, ids.CHART_STACKED, "name", ["Housing", "Food"], ["Rent"])

    page.locator(f"#{ids.CATEGORY_VIEW} label", has_text="Categories").click()
    wait_for_labels(page, ids.CHART_CATEGORY, "y", ["Rent", "Groceries"], ["Housing"])
