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


def test_a_background_answer_landing_after_the_page_was_left_is_the_same_race() -> None:
    """/transactions' model warm-up answers into its page's store; left already, the renderer
    names the `Output`. Tolerated for an id of the app only."""
    left = RACE.replace("`State`", "`Output`")
    race = left.format(id=ids.MODEL_WARM_STORE)
    typo = left.format(id="model-warm-stor")
    assert real_errors([race]) == []
    assert real_errors([typo]) == [typo]
