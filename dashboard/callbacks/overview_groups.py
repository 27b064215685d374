"""The overview's category charts by group: which view is shown (categories, all groups, or the
categories of one group drilled into), and the read models' category figures summed by group.

Groups are joined to the category figures here, from list_categories: a household has a few
dozen categories at most. Sums stay integer minor units. In the group view a category without a
group is a bar of its own (as is the uncategorised spending): it belongs to no group to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from dash import no_update

from dashboard import ids
from dashboard.components import VIEW_GROUPS


@dataclass(frozen=True)
class GroupView:
    """What the two category charts show: by category (by_group False), by group, or (group_id
    set) the categories of that group, named `group`."""

    by_group: bool = False
    group_id: int | None = None
    group: str = ""


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def group_view(view: Any, drill: Any, groups: pd.DataFrame) -> GroupView:
    """The view the toggle and the drill store ask for. A drilled group must be one of `groups`
    (the user's): any other id from the browser shows all groups."""
    if view != VIEW_GROUPS:
        return GroupView()
    group_id = drill.get("group_id") if isinstance(drill, dict) else None
    if not _is_id(group_id):
        return GroupView(by_group=True)
    match = groups[groups["id"] == group_id]
    if match.empty:
        return GroupView(by_group=True)
    return GroupView(True, int(match["id"].iloc[0]), str(match["name"].iloc[0]))


def drill_after(trigger: Any, click: Any, view: Any, drill: Any) -> Any:
    """The drill store after a click: a group bar (in the group view) drills into its group;
    the breadcrumb's first part and a change of view go back to all groups."""
    if trigger in (ids.CATEGORY_DRILL_ROOT, ids.CATEGORY_VIEW):
        return {} if drill else no_update
    if trigger != ids.CHART_CATEGORY or view != VIEW_GROUPS:
        return no_update
    group_id = clicked_group(click)
    if group_id is None or (isinstance(drill, dict) and drill.get("group_id") == group_id):
        return no_update
    return {"group_id": group_id}


def clicked_group(click: Any) -> int | None:
    """The group id of a clicked group bar (customdata [None, group_id]), else None."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    custom = point.get("customdata") if isinstance(point, dict) else None
    if isinstance(custom, list) and len(custom) > 1 and _is_id(custom[1]):
        return int(custom[1])
    return None


def _group_of(categories: pd.DataFrame) -> dict[int, int]:
    """category id -> group id, for the grouped categories."""
    grouped = categories.dropna(subset=["group_id"])
    return {int(c): int(g) for c, g in zip(grouped["id"], grouped["group_id"], strict=True)}


def _group_names(categories: pd.DataFrame) -> dict[int, str]:
    grouped = categories.dropna(subset=["group_id"])
    return {int(g): str(n) for g, n in zip(grouped["group_id"], grouped["group"], strict=True)}


def _group_label(name: str, apart: set[str]) -> str:
    # A group may be named as a category shown beside it (Transport): the bars must differ.
    return f"{name} (group)" if name in apart else name


def group_of_category(categories: pd.DataFrame, category_id: Any) -> int | None:
    """The group of a category (the cross-filtered one, to highlight its group), or None."""
    return _group_of(categories).get(category_id) if _is_id(category_id) else None


def spending_by_group(df: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """spending_by_category's rows with each group's categories summed into one row.

    DataFrame[category_id, group_id, category, color, spending_minor], biggest first: a group's
    row has group_id (category_id NA, no colour, its name as `category`); a category in no group
    and the uncategorised row keep theirs (group_id NA).
    """
    group_of = _group_of(categories)
    ids_of_rows = [int(c) if pd.notna(c) else None for c in df["category_id"]]
    group_ids = pd.array([group_of.get(c) if c is not None else None for c in ids_of_rows], "Int64")
    frame = df.assign(group_id=group_ids)
    apart = frame[frame["group_id"].isna()]
    sums = (
        frame.dropna(subset=["group_id"])
        .groupby("group_id", as_index=False)["spending_minor"]
        .sum()
    )
    names, shown_apart = _group_names(categories), set(apart["category"])
    groups = pd.DataFrame(
        {
            "category_id": pd.array([None] * len(sums), "Int64"),
            "group_id": sums["group_id"].astype("Int64"),
            "category": [_group_label(names[int(g)], shown_apart) for g in sums["group_id"]],
            "color": [None] * len(sums),
            "spending_minor": sums["spending_minor"].astype("int64"),
        }
    )
    columns = ["category_id", "group_id", "category", "color", "spending_minor"]
    parts = [part[columns] for part in (groups, apart) if not part.empty]
    if not parts:
        return frame[columns].iloc[0:0]
    joined = pd.concat(parts, ignore_index=True).astype(
        {"category_id": "Int64", "group_id": "Int64", "spending_minor": "int64"}
    )
    return joined.sort_values(
        ["spending_minor", "category"], ascending=[False, True], ignore_index=True
    )


def spending_in_group(df: pd.DataFrame, categories: pd.DataFrame, group_id: int) -> pd.DataFrame:
    """spending_by_category's rows of the categories in one group."""
    members = {c for c, g in _group_of(categories).items() if g == group_id}
    keep = pd.Series([pd.notna(c) and int(c) in members for c in df["category_id"]], dtype=bool)
    return df[keep.to_numpy()].reset_index(drop=True)


def wide_by_group(wide: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """spending_by_month_category's wide frame with each group's columns summed into one,
    biggest first; columns of categories in no group (and uncategorised) stay as they are."""
    group_of = dict(zip(categories["name"], categories["group_id"], strict=True))
    names = _group_names(categories)
    apart = {str(c) for c in wide.columns if pd.isna(group_of.get(c))}
    labels = [
        str(c) if pd.isna(group_of.get(c)) else _group_label(names[int(group_of[c])], apart)
        for c in wide.columns
    ]
    summed = wide.T.groupby(labels, sort=False).sum().T.astype("int64")
    order = summed.sum().sort_index().sort_values(ascending=False, kind="stable").index
    summed = summed[order]
    summed.columns.name = None
    return summed


def wide_in_group(wide: pd.DataFrame, categories: pd.DataFrame, group_id: int) -> pd.DataFrame:
    """The wide frame's columns of the categories in one group."""
    members = set(categories.loc[categories["group_id"].eq(group_id).fillna(False), "name"])
    return wide[[c for c in wide.columns if c in members]]
