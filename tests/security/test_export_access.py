"""The export downloads behind the guard: bob's export never holds a row of alice's, whatever
ids his query string names, and nothing but a login opens them."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.exports import CSV_PATH, LEDGER_PATH
from data.export_csv import BOM
from tests.security.test_isolation import ALICE_MARK, alice_and_bob, alice_leaks
from tests.security.test_isolation_routes import logged_in

pytestmark = pytest.mark.security


def csv_ids(body: str) -> set[int]:
    rows = list(csv.DictReader(io.StringIO(body.removeprefix(BOM), newline="")))
    return {int(row["id"]) for row in rows}


@pytest.mark.parametrize("path", [CSV_PATH, LEDGER_PATH])
def test_anonymous_requests_go_to_the_login(client, path):
    response = client.get(f"{path}?from=2000-01-01")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_bob_naming_alices_ids_exports_nothing_of_hers(app, engine):
    alice, bob = alice_and_bob(engine)
    as_bob = logged_in(app, "bob")
    alices = ",".join(map(str, alice.account_ids))
    categories = ",".join(map(str, alice.category_ids))
    for path in (CSV_PATH, LEDGER_PATH):
        for query in (f"accounts={alices}", f"categories={categories}", "", "q=SECRET"):
            response = as_bob.get(f"{path}?{query}")
            assert response.status_code == 200, (path, query)
            body = response.get_data(as_text=True)
            assert alice_leaks(body) == [], (path, query)
            assert ALICE_MARK not in body
    only_alices = as_bob.get(f"{CSV_PATH}?accounts={alices}").get_data(as_text=True)
    assert csv_ids(only_alices) == set()
    own = as_bob.get(CSV_PATH).get_data(as_text=True)
    assert csv_ids(own) == {bob.purchase, bob.income, bob.transfer_out, bob.transfer_in}
    # The control: alice's own export does hold her rows.
    mine = logged_in(app, "alice").get(f"{CSV_PATH}?accounts={alices}").get_data(as_text=True)
    assert alice_leaks(mine) != [] and alice.purchase in csv_ids(mine)
