"""The renderer's own callback requests pass the server's shape check
(dashboard/security/request_shape.py): on every page, with pattern-matching rows (a chip, an
account rename), not one is refused."""

from __future__ import annotations

from dashboard import ids
from tests.e2e.conftest import wait_until

# The accounts page last: the rename below happens on it.
PAGES = ("/", "/transactions", "/budgets", "/schedules", "/accounts")
UPDATE = "/_dash-update-component"
ACCOUNT_NAME = '[id*=\'"type":"settings-account-name"\']'


def test_every_page_sends_only_callback_requests_the_server_accepts(page):
    statuses: list[int] = []
    renames: list[int] = []

    def answered(response) -> None:
        if UPDATE not in response.url:
            return
        statuses.append(response.status)
        if "Renamed in the browser" in (response.request.post_data or ""):
            renames.append(response.status)

    page.on("response", answered)
    for path in PAGES:
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")

    # A pattern-matching input (ALL rows) firing a write: the rename of an account.
    name = page.locator(ACCOUNT_NAME).first
    name.fill("Renamed in the browser")
    name.press("Enter")
    wait_until(
        page,
        "id => (document.getElementById(id) || {}).textContent",
        ids.ACCOUNTS_FEEDBACK,
    )
    page.wait_for_load_state("networkidle")

    assert renames == [200]
    assert len(statuses) > 10
    assert set(statuses) <= {200, 204}, statuses
