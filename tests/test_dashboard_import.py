"""`flask import` and the import page's steps (dashboard/cli_import.py, callbacks/imports.py,
callbacks/import_review.py) on real files: counts printed, account created, dry run, ambiguous
CSVs refused with the reason, overlapping OFX files, hostile files refused with nothing stored."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.callbacks import import_review, imports
from data import setup_writes
from data.imports.uploads import load_upload
from data.schema import accounts, import_batches, import_uploads, transactions
from tests.conftest import as_user, make_user

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture
def alice(engine) -> int:
    return make_user(engine, "alice")


def run(app, *args: str):
    return app.server.test_cli_runner().invoke(args=["import", *args])


def count(engine, table, **where) -> int:
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_the_cli_imports_a_german_export_creates_the_account_and_reimports_nothing(
    app, engine, alice
):
    path = FIXTURES / "de_sparkasse_cp1252.csv"
    first = run(app, str(path), "--user", "alice", "--account", "Giro")
    assert first.exit_code == 0, first.output
    assert "created the account 'Giro'" in first.output
    assert "new: 6" in first.output and "imported 6 lines" in first.output
    with engine.connect() as conn:
        amounts = conn.execute(select(transactions.c.amount_minor)).scalars().all()
    assert sorted(amounts) == sorted([-123456, -350, -350, 321000, -5000, -495])

    again = run(app, str(path), "--user", "alice", "--account", "Giro")
    assert again.exit_code == 0, again.output
    assert "duplicate by date, amount and text: 6" in again.output
    assert "imported 0 lines" in again.output
    assert count(engine, transactions) == 6 and count(engine, import_batches) == 2


def test_the_cli_dry_run_stores_nothing(app, engine, alice):
    result = run(app, str(FIXTURES / "us_chase_trailing.csv"), "--user", "alice",
                 "--account", "Chase", "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "dry run: nothing stored" in result.output
    assert count(engine, transactions) == 0 and count(engine, accounts) == 0


def test_an_ambiguous_csv_without_a_profile_exits_1_with_the_question(app, engine, alice):
    result = run(app, str(FIXTURES / "ambiguous_dates.csv"), "--user", "alice", "--account", "A")
    assert result.exit_code == 1
    assert "ambiguous" in result.output and "--profile" in result.output
    assert count(engine, transactions) == 0


@pytest.mark.parametrize(
    "name", ["empty.csv", "random.bin", "camt_xxe.xml", "camt_bomb.xml", "fake.pdf",
             "not_a_statement.xml", "header_only.csv", "statement.xlsx"],
)  # fmt: skip
def test_the_cli_refuses_hostile_files_saying_why_and_quoting_nothing(app, engine, alice, name):
    result = run(app, str(FIXTURES / name), "--user", "alice", "--account", "A")
    assert result.exit_code == 1, result.output
    assert "passwd" not in result.output and "lol" not in result.output.lower()
    assert count(engine, transactions) == 0 and count(engine, accounts) == 0


def test_overlapping_ofx_files_import_only_what_is_new(app, engine, alice):
    account = setup_writes.create_account(engine, alice, "Checking", "checking", "USD")
    sgml = run(
        app, str(FIXTURES / "ofx1_sgml_checking.ofx"), "--user", "alice", "--account", "Checking"
    )
    assert sgml.exit_code == 0, sgml.output
    stored_first = count(engine, transactions)
    xml = run(
        app, str(FIXTURES / "ofx2_xml_checking.ofx"), "--user", "alice", "--account", "Checking"
    )
    assert xml.exit_code == 0, xml.output
    assert "duplicate by bank reference: 0" not in xml.output
    with engine.connect() as conn:
        refs = conn.execute(select(transactions.c.bank_ref)).scalars().all()
        key = conn.execute(
            select(accounts.c.statement_key).where(accounts.c.id == account)
        ).scalar()
    assert len(refs) == len(set(refs)) and count(engine, transactions) > stored_first
    assert key  # the file's account id, remembered for the next import


def test_the_cli_unknown_user_or_profile_is_a_usage_error(app, alice):
    path = str(FIXTURES / "utf8_bom.csv")
    assert run(app, path, "--user", "nobody", "--account", "A").exit_code == 2
    assert run(app, path, "--user", "alice", "--account", "A", "--profile", "none").exit_code == 2


def data_url(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


class Progress:
    def __init__(self) -> None:
        self.steps: list[tuple[int, str]] = []

    def __call__(self, value: tuple[int, str]) -> None:
        self.steps.append(value)


def test_the_page_stages_previews_and_commits_with_the_users_decisions(app, engine, alice):
    account = setup_writes.create_account(engine, alice, "Giro", "checking")
    content = (FIXTURES / "de_sparkasse_cp1252.csv").read_bytes()
    with as_user(app, alice):
        state, _status, _ = imports.stage(alice, data_url(content), "../../etc/konto.csv")
        assert load_upload(engine, alice, state["upload_id"]).file_name == "konto.csv"
        progress = Progress()
        shown = import_review.preview_view(alice, state, str(account), None, progress)
        assert shown["commit_disabled"] is False and len(shown["rows"]) == 6
        # The account the page sent is not sent back: setting the select would run the
        # preview again, and again (50,000 lines never finished reviewing that way).
        assert "account" not in shown
        assert progress.steps[-1] == (100, "Ready for review")
        review = {"store": shown["store"], "account": str(account), "probable": "skip",
                  "decisions": {"1": "skip"}}  # fmt: skip
        done = import_review.commit_view(alice, review, Progress())
    assert done.get("done") and count(engine, transactions) == 5
    assert count(engine, import_uploads) == 0  # the staged file goes once committed


def test_another_users_upload_or_account_is_not_found(app, engine, alice):
    bob = make_user(engine, "bob")
    bobs_account = setup_writes.create_account(engine, bob, "Bob's", "checking")
    content = (FIXTURES / "utf8_bom.csv").read_bytes()
    with as_user(app, alice):
        state, _status, _ = imports.stage(alice, data_url(content), "a.csv")
    with as_user(app, bob):
        shown = import_review.preview_view(bob, state, None, None, Progress())
        assert "no longer here" in str(shown["questions"])
    with as_user(app, alice):
        shown = import_review.preview_view(alice, state, str(bobs_account), None, Progress())
        assert shown["rows"] == [] and "No such account" in str(shown["questions"])
        review = {"store": {**shown["store"], "upload_id": state["upload_id"], "importable": True,
                            "account_id": bobs_account, "mapping": None},
                  "account": str(bobs_account), "probable": "skip", "decisions": {}}  # fmt: skip
        refused = import_review.commit_view(alice, review, Progress())
    assert count(engine, transactions) == 0 and "No such account" in str(refused["result"])


@pytest.mark.parametrize(
    ("contents", "message"),
    [(data_url(b""), "empty"), ("data:text/csv;base64,@@@", "damaged"),
     (data_url(b"x" * (imports.UPLOAD_MAX_BYTES + 1)), "limit")],
)  # fmt: skip
def test_the_page_refuses_an_empty_damaged_or_oversized_upload(
    app, engine, alice, contents, message
):
    with as_user(app, alice):
        state, status, _ = imports.stage(alice, contents, "a.csv")
    assert state == {} and message in str(status) and count(engine, import_uploads) == 0


def test_a_hostile_xml_upload_is_refused_in_the_preview_without_its_content(app, engine, alice):
    content = (FIXTURES / "camt_xxe.xml").read_bytes()
    with as_user(app, alice):
        state, _status, _ = imports.stage(alice, data_url(content), "camt.xml")
        shown = import_review.preview_view(alice, state, None, None, Progress())
    text = str(shown["questions"])
    assert "entities" in text and "passwd" not in text and shown["rows"] == []


def test_grid_decisions_accept_only_known_values_for_the_decision_column():
    changes = [
        {"colId": "decision", "rowId": "3", "value": "link"},
        {"colId": "decision", "rowId": "4", "value": "drop table"},
        {"colId": "payee", "rowId": "5", "value": "skip"},
        "junk",
    ]
    assert imports.decisions_after(changes, {"1": "skip"}) == {"1": "skip", "3": "link"}


def test_text_that_looks_like_a_formula_is_stored_verbatim(app, engine, alice):
    result = run(app, str(FIXTURES / "formula_text.csv"), "--user", "alice", "--account", "A")
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        payees = set(conn.execute(select(transactions.c.payee)).scalars())
    assert any(payee.startswith("=HYPERLINK(") for payee in payees)
    assert any(payee.startswith(("+", "@")) for payee in payees)


def test_one_import_bumps_data_version_once_and_the_next_file_finds_its_account(app, engine, alice):
    from data.lookups import data_version

    account = setup_writes.create_account(engine, alice, "Giro", "checking")
    before = data_version(engine, alice)
    with as_user(app, alice):
        content = (FIXTURES / "camt053_001_02.xml").read_bytes()
        state, _status, _ = imports.stage(alice, data_url(content), "camt.xml")
        shown = import_review.preview_view(alice, state, str(account), None, Progress())
        review = {"store": shown["store"], "account": str(account), "probable": "skip",
                  "decisions": {}}  # fmt: skip
        assert import_review.commit_view(alice, review, Progress()).get("done")
        assert data_version(engine, alice) == before + 1
        # The next statement of the same IBAN: its account is chosen without asking.
        state, _status, _ = imports.stage(alice, data_url(content), "camt-again.xml")
        again = import_review.preview_view(alice, state, None, None, Progress())
    assert again["account"] == str(account) and "same bank account" in again["account_note"]
    assert "New: 0" in str(again["summary"])


def test_the_review_suggests_a_category_learned_from_history_and_one_click_accepts_it(
    app, engine, alice
):
    from datetime import date, timedelta

    from data import writes
    from data.entries import Transaction

    account = setup_writes.create_account(engine, alice, "Giro", "checking")
    subs = setup_writes.create_category(engine, alice, "Subscriptions", "expense")
    food = setup_writes.create_category(engine, alice, "Food", "expense")
    start = date(2026, 1, 1)
    for n in range(15):
        for payee, amount, category in (("Netflix", -1299, subs), ("Rewe Markt", -4210, food)):
            txn = Transaction(account, start + timedelta(days=7 * n), amount, payee,
                              category_id=category)  # fmt: skip
            writes.create_transaction(engine, alice, txn)
    content = b"Date,Amount,Description\n2026-11-02,-12.99,NETFLIX.COM 866-579\n"
    with as_user(app, alice):
        state, _status, _ = imports.stage(alice, data_url(content), "card.csv")
        shown = import_review.preview_view(alice, state, str(account), None, Progress())
        [row] = shown["rows"]
        assert (row["sid"], row["sugg"], row["accept"]) == (subs, "Subscriptions", False)
        assert 50 <= row["sp"] <= 100
        change = [{"colId": "accept", "rowId": "1", "value": True, "data": row}]
        decisions = imports.decisions_after(change, {})
        assert decisions == {"c1": subs}
        review = {"store": shown["store"], "account": str(account), "probable": "skip",
                  "decisions": decisions}  # fmt: skip
        assert import_review.commit_view(alice, review, Progress()).get("done")
    with engine.connect() as conn:
        stored = conn.execute(
            select(transactions.c.category_id).where(transactions.c.import_batch_id.is_not(None))
        ).scalar_one()
    assert stored == subs


def test_an_accepted_category_of_another_user_is_ignored(app, engine, alice):
    bob = make_user(engine, "bob")
    bobs = setup_writes.create_category(engine, bob, "Bob's", "expense")
    account = setup_writes.create_account(engine, alice, "Giro", "checking")
    content = b"Date,Amount,Description\n2026-11-02,-12.99,Shop\n"
    with as_user(app, alice):
        state, _status, _ = imports.stage(alice, data_url(content), "card.csv")
        shown = import_review.preview_view(alice, state, str(account), None, Progress())
        review = {"store": shown["store"], "account": str(account), "probable": "skip",
                  "decisions": {"c1": bobs}}  # fmt: skip
        assert import_review.commit_view(alice, review, Progress()).get("done")
    with engine.connect() as conn:
        assert conn.execute(select(transactions.c.category_id)).scalar_one() is None
