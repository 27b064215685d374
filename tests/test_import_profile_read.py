"""A CSV whose header has a saved profile is read once, with the profile's mapping: the
header's signature is known before any line is read (data/imports/reading.open_csv), so the
preview and the commit no longer parse every line with the guess first and again with the
profile (half of a 50,000-line commit's reading)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from data import setup_writes
from data.imports import csv_reader
from data.imports.pipeline import commit_upload, preview_upload
from data.imports.profiles import save_profile
from data.imports.reading import read_file
from data.imports.uploads import load_upload, stage_upload
from data.schema import transactions
from tests.conftest import make_user

HEADER = "Date;Payee;Memo;Amount\n"


def _csv(lines: list[tuple[str, str, str, str]]) -> bytes:
    return (HEADER + "".join(";".join(line) + "\n" for line in lines)).encode()


FIRST = _csv([("2026-03-02", "Bakery", "bread", "-3,50"), ("2026-03-03", "Mill", "flour", "-2,25")])
SECOND = _csv([("2026-03-09", "Corner", "milk", "-1,10"), ("2026-03-10", "Farm", "eggs", "-4,00")])


def test_a_saved_profile_is_read_once_and_its_mapping_is_the_one_used(engine, monkeypatch):
    user_id = make_user(engine, "alice")
    account_id = setup_writes.create_account(engine, user_id, "Checking", "checking")
    guess = read_file(FIRST, "first.csv").csv
    assert guess is not None and guess.mapping.payee_columns == (1,)
    # The person's correction: the payee is the memo's column. The commit saves it as the
    # header's profile.
    corrected = replace(guess.mapping, payee_columns=(2,), memo_columns=(1,))
    upload = stage_upload(engine, user_id, "first.csv", FIRST)
    commit_upload(engine, user_id, load_upload(engine, user_id, upload.id), account_id, corrected)

    reads: list[object] = []
    real_read_csv = csv_reader.read_csv

    def counted(layout, mapping, **kwargs):
        reads.append(mapping)
        return real_read_csv(layout, mapping, **kwargs)

    # reading.py calls the name it imported: that name is the one to count.
    monkeypatch.setattr("data.imports.reading.read_csv", counted)
    second = stage_upload(engine, user_id, "second.csv", SECOND)
    preview = preview_upload(engine, user_id, load_upload(engine, user_id, second.id), account_id)
    assert reads == [corrected]
    assert preview.profile is not None and preview.reading.csv is not None
    assert preview.reading.csv.mapping == corrected
    reads.clear()
    commit_upload(engine, user_id, load_upload(engine, user_id, second.id), account_id)
    assert reads == [corrected]
    with engine.connect() as conn:
        payees = conn.execute(
            select(transactions.c.payee).where(transactions.c.user_id == user_id)
            .order_by(transactions.c.date)
        ).scalars().all()  # fmt: skip
    assert payees == ["bread", "flour", "milk", "eggs"]


def test_a_profile_that_no_longer_fits_falls_back_to_the_guess_once(engine, monkeypatch):
    """A saved mapping naming a column the file lacks: the guess, read once, and no profile."""
    user_id = make_user(engine, "alice")
    account_id = setup_writes.create_account(engine, user_id, "Checking", "checking")
    guess = read_file(FIRST, "first.csv").csv
    assert guess is not None
    upload = stage_upload(engine, user_id, "first.csv", FIRST)
    broken = replace(guess.mapping, memo_columns=(7,))
    save_profile(engine, user_id, account_id, guess.signature, broken.to_json())
    reads: list[object] = []
    real_read_csv = csv_reader.read_csv

    def counted(layout, mapping, **kwargs):
        reads.append(mapping)
        return real_read_csv(layout, mapping, **kwargs)

    # reading.py calls the name it imported: that name is the one to count.
    monkeypatch.setattr("data.imports.reading.read_csv", counted)
    preview = preview_upload(engine, user_id, load_upload(engine, user_id, upload.id), account_id)
    assert preview.profile is None
    assert reads == [guess.mapping]
