"""The browser tests fail on console errors, less Dash's navigation race on an id the app has."""

from __future__ import annotations

from dashboard import ids
from tests.e2e.conftest import real_errors

RACE = (
    "ReferenceError: A nonexistent object was used in an `State` of a Dash callback. "
    "The id of this object is `{id}` and the property is `data`. "
    "The string ids in the current layout are: [url, page]"
)


def test_only_the_dash_navigation_race_on_an_id_of_the_app_is_tolerated() -> None:
    race = RACE.format(id=ids.GOAL_CELEBRATED)
    typo = RACE.format(id="goal-celebratd")
    assert real_errors([race]) == []
    assert real_errors([typo, "Uncaught TypeError: x is undefined"]) == [
        typo,
        "Uncaught TypeError: x is undefined",
    ]
