"""Tags (data/tags.py): created on first use, matched by name whatever its case, on
transactions and split parts; filtering by any or all of them; spending by tag; renaming,
merging and deleting; owner-scoped like every row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from data import lookups, queries, setup_writes, writes
from data import tags as tag_data
from data.entries import Split, Transaction
from data.filters import Filters
from data.schema import tags
from data.validation import NotFound, ValidationError
from tests.conftest import make_user

DAY = date(2026, 5, 4)
MAY = Filters(date(2026, 5, 1), date(2026, 5, 31))


def household(engine: Engine, name: str) -> dict[str, int]:
    user_id = make_user(engine, name)
    ids = {"user": user_id}
    ids["checking"] = setup_writes.create_account(engine, user_id, "Checking", "checking")
    ids["food"] = setup_writes.create_category(engine, user_id, "Food", "expense")
    ids["fun"] = setup_writes.create_category(engine, user_id, "Fun", "expense")
    return ids


@pytest.fixture
def home(engine) -> dict[str, int]:
    return household(engine, "alice")


def add(engine: Engine, home: dict[str, int], amount: int, *tag_names: str, **kw) -> int:
    txn = Transaction(home["checking"], DAY, amount, kw.pop("payee", "Shop"), "",
                      kw.pop("category", home["food"]), tags=tag_names, **kw)  # fmt: skip
    return writes.create_transaction(engine, home["user"], txn)


def tag_id(engine: Engine, user_id: int, name: str) -> int:
    frame = tag_data.list_tags(engine, user_id)
    return int(frame.set_index("name").loc[name, "id"])


def tag_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tags)).scalar_one()


def test_a_tag_is_created_once_and_matched_whatever_its_case_and_spacing(engine, home):
    first = add(engine, home, -100, "Holiday  2026", "cash")
    second = add(engine, home, -200, "holiday 2026", "CASH", "cash")
    assert tag_count(engine) == 2
    for txn in (first, second):
        stored = lookups.stored_transaction(engine, home["user"], txn)
        assert stored is not None and stored.tags == ("cash", "Holiday 2026")
    assert tag_data.list_tags(engine, home["user"])[["name", "uses"]].to_dict("records") == [
        {"name": "cash", "uses": 2},
        {"name": "Holiday 2026", "uses": 2},
    ]


@pytest.mark.parametrize(
    ("names", "message"),
    [(("",), "Enter a tag name."), (("x" * 51,), "A tag has at most 50 characters"),
     (("a\x00b",), "Remove the control"), (tuple(f"t{n}" for n in range(21)), "At most 20 tags.")],
)  # fmt: skip
def test_bad_tags_are_refused_and_nothing_is_written(engine, home, names, message):
    with pytest.raises(ValidationError) as refused:
        add(engine, home, -100, *names)
    assert refused.value.field_errors["tags"].startswith(message)
    assert (
        tag_count(engine) == 0 and lookups.transactions_page(engine, home["user"], MAY).rows.empty
    )


def test_filters_pick_lines_with_any_or_all_tags_parts_included(engine, home):
    add(engine, home, -100, "trip")
    add(engine, home, -200, "trip", "food-run")
    add(engine, home, -400)
    parts = (Split(-1_000, home["fun"], "museum", ("trip",)), Split(-2_000, home["food"]))
    add(engine, home, -3_000, "food-run", category=None, splits=parts)
    trip, run = tag_id(engine, home["user"], "trip"), tag_id(engine, home["user"], "food-run")

    def spending(*tag_ids: int, all_tags: bool = False) -> int:
        filters = Filters(MAY.date_from, MAY.date_to, tag_ids=tag_ids, all_tags=all_tags)
        return queries.totals(engine, home["user"], filters)["spending_minor"]

    assert spending(trip) == 100 + 200 + 1_000
    assert spending(run) == 200 + 3_000
    assert spending(trip, run) == 100 + 200 + 3_000
    assert spending(trip, run, all_tags=True) == 200 + 1_000
    grid = lookups.transactions_page(engine, home["user"], Filters(
        MAY.date_from, MAY.date_to, tag_ids=(trip,)))  # fmt: skip
    assert grid.total_count == 3 and grid.total_minor == -1_300


def test_spending_by_tag_counts_each_line_once_per_tag(engine, home):
    add(engine, home, -100, "trip")
    parts = (Split(-1_000, home["fun"], "", ("trip", "kids")), Split(-2_000, home["food"]))
    add(engine, home, -3_000, "trip", category=None, splits=parts)
    add(engine, home, 50, "kids")  # a refund nets out
    by_tag = queries.spending_by_tag(engine, home["user"], MAY)
    assert by_tag[["tag", "spending_minor"]].to_dict("records") == [
        {"tag": "trip", "spending_minor": 3_100},
        {"tag": "kids", "spending_minor": 950},
    ]


def test_renaming_merging_and_deleting_tags(engine, home):
    one = add(engine, home, -100, "holiday", "italy")
    two = add(engine, home, -200, "Holidays")
    holiday, holidays = (
        tag_id(engine, home["user"], "holiday"),
        tag_id(engine, home["user"], "Holidays"),
    )
    with pytest.raises(ValidationError) as taken:
        tag_data.rename_tag(engine, home["user"], holidays, "HOLIDAY")
    assert "merge the two instead" in taken.value.field_errors["name"]
    tag_data.merge_tags(engine, home["user"], holidays, holiday)
    tag_data.rename_tag(engine, home["user"], holiday, "Holiday")
    tag_data.delete_tag(engine, home["user"], tag_id(engine, home["user"], "italy"))
    tags_of = [lookups.stored_transaction(engine, home["user"], txn).tags for txn in (one, two)]
    assert tags_of == [("Holiday",), ("Holiday",)]
    assert tag_data.list_tags(engine, home["user"])["name"].tolist() == ["Holiday"]


def test_tags_are_the_owners_alone(engine, home):
    bob = household(engine, "bob")
    add(engine, bob, -100, "secret")
    bobs_tag = tag_id(engine, bob["user"], "secret")
    add(engine, home, -100, "secret")  # alice's own tag of the same name
    alices_tag = tag_id(engine, home["user"], "secret")
    assert tag_count(engine) == 2
    for write in (
        lambda: tag_data.rename_tag(engine, home["user"], bobs_tag, "mine"),
        lambda: tag_data.delete_tag(engine, home["user"], bobs_tag),
        lambda: tag_data.merge_tags(engine, home["user"], bobs_tag, alices_tag),
    ):
        with pytest.raises(NotFound):
            write()
    only_bobs = Filters(MAY.date_from, MAY.date_to, tag_ids=(bobs_tag,))
    assert queries.totals(engine, home["user"], only_bobs)["spending_minor"] == 0
    assert queries.spending_by_tag(engine, home["user"], MAY)["tag"].tolist() == ["secret"]
    assert tag_data.list_tags(engine, bob["user"])["uses"].tolist() == [1]
