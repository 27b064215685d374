"""data/backup.py: a backup restores into an empty installation identical row for row, on either
dialect and across them; a refused or failed restore changes nothing; a backup is one moment.

Sources run on both dialects (the `engine` fixture); restores go into a fresh database of each
dialect (the `target` fixture), so SQLite -> PostgreSQL and back are covered.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, Engine, cast, event, func, inspect, select, update
from sqlalchemy.exc import IntegrityError

from data.backup import BACKED_UP_TABLES, restore_backup, write_backup
from data.budget_rollover import set_category_rollover
from data.db import make_engine
from data.entries import Split, Transaction, Transfer
from data.goals.store import GoalInput, create_goal
from data.migrate import head_revision, upgrade_to_head
from data.receipt_writes import attach_receipt
from data.schema import accounts, categories, receipts, transactions, user_sessions, users
from data.seed import load_demo
from data.sessions import insert_session
from data.setup_writes import create_account, create_group, set_category_group
from data.tags import list_tags
from data.writes import create_transaction, create_transfer
from tests.conftest import make_user

TODAY = date(2027, 3, 15)
ENTRY_KEY = "7d444840-9dc0-4d8c-9f2b-0c2a1b6e3f55"
RECEIPT_CONTENTS = (b"%PDF-1.4 the first receipt\n", bytes(range(256)) * 40)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> Iterator[Engine]:
    """A brand-new database, not even migrated: restore_backup brings it to head itself."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
        url = request.getfixturevalue("pg_database_factory")()
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    engine = make_engine(url)
    yield engine
    engine.dispose()


def populate(engine: Engine, receipts_dir: Path) -> int:
    """The demo household, two receipts with their files, and a category whose parent is a
    later row (a self-reference that points forward, as transfer legs do)."""
    user_id = load_demo(engine, today=TODAY)
    receipts_dir.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        first_ids = conn.execute(select(transactions.c.id).order_by(transactions.c.id).limit(2))
        txn_ids = list(first_ids.scalars())
    for number, (txn_id, content) in enumerate(zip(txn_ids, RECEIPT_CONTENTS, strict=True)):
        storage_name = f"r{number}-{hashlib.sha256(content).hexdigest()[:16]}.pdf"
        (receipts_dir / storage_name).write_bytes(content)
        attach_receipt(
            engine,
            user_id,
            txn_id,
            storage_name=storage_name,
            original_name=f"Receipt {number}.pdf",
            content_type="application/pdf",
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
    with engine.begin() as conn:
        conn.execute(update(categories).where(categories.c.id == 1).values(parent_id=2))
    # A group of its own beside the demo's, with a category in it.
    set_category_group(engine, user_id, 1, create_group(engine, user_id, "Backed-up group"))
    # An entry of the form, stored with its submission key: the key is backed up with the row.
    keyed = Transaction(1, TODAY, -321, "Entered in the form")
    create_transaction(engine, user_id, keyed, submission_key=ENTRY_KEY)
    # A split transaction: its parts are rows of their own table, backed up with it.
    parts = (Split(-300, 1, "part one", ("kids",)), Split(-200, None, "part two"))
    split = Transaction(1, TODAY, -500, "Split shop", splits=parts, tags=("Holiday",))
    create_transaction(engine, user_id, split)
    # A goal counting a tag (its key into tags is restored with it) and a rollover category.
    holiday = int(list_tags(engine, user_id).set_index("name").loc["Holiday", "id"])
    goal = GoalInput("Backed-up goal", 100_000, None, "tag", tag_id=holiday, starts_on=TODAY)
    create_goal(engine, user_id, goal, TODAY)
    set_category_rollover(engine, user_id, 1, True)
    return user_id


def normalized(value: object) -> object:
    # SQLite gives naive UTC datetimes, PostgreSQL aware ones: compare the same instants.
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def contents(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(normalized(v) for v in row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in BACKED_UP_TABLES
        }


def account_totals(engine: Engine) -> dict[int, int]:
    total = cast(func.coalesce(func.sum(transactions.c.amount_minor), 0), BigInteger)
    query = (
        select(accounts.c.id, accounts.c.opening_balance_minor + total)
        .select_from(accounts.outerjoin(transactions))
        .group_by(accounts.c.id, accounts.c.opening_balance_minor)
    )
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def receipt_files(receipts_dir: Path) -> dict[str, bytes]:
    if not receipts_dir.exists():
        return {}
    return {path.name: path.read_bytes() for path in receipts_dir.iterdir()}


def rebuilt(
    source: Path,
    dest: Path,
    change: Callable[[dict, dict[str, bytes]], None],
    recompute_checksums: bool = True,
) -> Path:
    """A copy of a backup with its manifest and members changed by `change`."""
    with tarfile.open(source, "r:gz") as tar:
        members = {info.name: tar.extractfile(info).read() for info in tar}
    manifest = json.loads(members.pop("manifest.json"))
    change(manifest, members)
    if recompute_checksums:
        manifest["members"] = {
            name: hashlib.sha256(data).hexdigest() for name, data in members.items()
        }
    with tarfile.open(dest, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return dest


def jsonl_rows(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.splitlines()]


def as_jsonl(rows: list[dict]) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


@pytest.fixture
def small_backup(tmp_path) -> Path:
    """A backup of a small SQLite installation, for the tests about the file itself."""
    engine = make_engine(f"sqlite:///{tmp_path / 'small.sqlite3'}")
    upgrade_to_head(engine)
    user_id = make_user(engine)
    account = create_account(engine, user_id, "Checking", "checking")
    create_transaction(engine, user_id, Transaction(account, date(2027, 1, 5), -1234, "Shop"))
    summary = write_backup(engine, tmp_path / "small-receipts", tmp_path / "small.tar.gz")
    engine.dispose()
    return summary.path


# --- the round trip ---------------------------------------------------------------------------


def test_round_trip_restores_every_row_and_receipt_identically(engine, target, tmp_path):
    source_receipts, restored_receipts = tmp_path / "receipts", tmp_path / "restored-receipts"
    user_id = populate(engine, source_receipts)

    backup = write_backup(engine, source_receipts, tmp_path / "backups" / "b.tar.gz")
    restored = restore_backup(target, restored_receipts, backup.path)

    before, after = contents(engine), contents(target)
    assert {name: len(rows) for name, rows in after.items()} == backup.row_counts
    assert restored.row_counts == backup.row_counts
    assert backup.row_counts["receipts"] == 2 and backup.row_counts["transactions"] > 1000
    assert backup.row_counts["category_groups"] > 1
    assert backup.row_counts["goals"] == 1
    for table in BACKED_UP_TABLES:
        assert after[table.name] == before[table.name], table.name
    assert account_totals(target) == account_totals(engine)
    version = select(users.c.data_version).where(users.c.id == user_id)
    with engine.connect() as source_conn, target.connect() as target_conn:
        assert (
            target_conn.execute(version).scalar_one() == source_conn.execute(version).scalar_one()
        )
        peers = select(func.count()).where(transactions.c.transfer_peer_id.is_not(None))
        assert target_conn.execute(peers).scalar_one() > 0
        grouped = select(func.count()).where(categories.c.group_id.is_not(None))
        assert target_conn.execute(grouped).scalar_one() > 1
    assert receipt_files(restored_receipts) == receipt_files(source_receipts)
    assert backup.receipt_files == 2 and backup.missing_receipts == ()
    assert backup.schema_revision == head_revision()
    with target.connect() as conn:
        keys = select(transactions.c.submission_key).where(transactions.c.payee.like("Entered%"))
        assert conn.execute(keys).scalars().all() == [ENTRY_KEY]


def test_sessions_are_neither_backed_up_nor_restored(engine, target, tmp_path):
    """Restored sessions would sign in, on the new installation, whoever was signed in when
    the backup was made."""
    user_id = populate(engine, tmp_path / "receipts")
    insert_session(engine, "a" * 64, user_id, "{}", expires_at=2**40)
    backup = write_backup(engine, tmp_path / "receipts", tmp_path / "b.tar.gz")
    with tarfile.open(backup.path, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "tables/user_sessions.jsonl" not in names
    assert "user_sessions" not in manifest["columns"]
    assert "user_sessions" not in backup.row_counts

    restore_backup(target, tmp_path / "restored-receipts", backup.path)
    with target.connect() as conn:
        assert conn.execute(select(func.count()).select_from(user_sessions)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(users)).scalar_one() == 1


def test_restored_database_hands_out_fresh_ids(engine, target, tmp_path):
    user_id = populate(engine, tmp_path / "receipts")
    backup = write_backup(engine, tmp_path / "receipts", tmp_path / "b.tar.gz")
    restore_backup(target, tmp_path / "restored-receipts", backup.path)
    with target.connect() as conn:
        largest = conn.execute(select(func.max(transactions.c.id))).scalar_one()

    # PostgreSQL would hand out id 1 again had restore not moved the sequences past the rows.
    account = create_account(target, user_id, "New account", "checking")
    new_id = create_transaction(
        target, user_id, Transaction(account, TODAY, -500, "After the restore")
    )
    out_id, in_id = create_transfer(target, user_id, Transfer(account, 1, TODAY, 700))

    assert largest < new_id < out_id < in_id
    assert make_user(target, "bob") == 2


def test_backup_of_an_older_schema_restores_with_the_new_columns_defaulted(target, small_backup):
    def as_revision_0001(manifest: dict, members: dict[str, bytes]) -> None:
        manifest["schema_revision"] = "0001"
        manifest["columns"]["users"].remove("session_epoch")
        rows = jsonl_rows(members["tables/users.jsonl"])
        for row in rows:
            del row["session_epoch"]
        members["tables/users.jsonl"] = as_jsonl(rows)

    old = rebuilt(small_backup, small_backup.with_name("old.tar.gz"), as_revision_0001)
    summary = restore_backup(target, small_backup.parent / "restored", old)

    assert summary.schema_revision == "0001"
    with target.connect() as conn:
        assert conn.execute(select(users.c.username, users.c.session_epoch)).all() == [("alice", 0)]
        assert conn.execute(select(transactions.c.amount_minor)).scalars().all() == [-1234]


def test_the_file_holds_a_manifest_then_one_checksummed_jsonl_per_table(small_backup):
    with tarfile.open(small_backup, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        members = {name: tar.extractfile(name).read() for name in names[1:]}

    assert names == ["manifest.json"] + [f"tables/{t.name}.jsonl" for t in BACKED_UP_TABLES]
    assert manifest["format_version"] == 1
    assert manifest["schema_revision"] == head_revision()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])
    assert manifest["members"] == {n: hashlib.sha256(d).hexdigest() for n, d in members.items()}
    assert manifest["row_counts"] == {
        "users": 1,
        "accounts": 1,
        "category_groups": 0,
        "categories": 0,
        "receipts": 0,
        "budgets": 0,
        "transactions": 1,
        "transaction_splits": 0,
        "tags": 0,
        "transaction_tags": 0,
        "split_tags": 0,
        "import_batches": 0,
        "import_links": 0,
        "import_profiles": 0,
        "rules": 0,
        "rule_runs": 0,
        "rule_run_changes": 0,
        "schedules": 0,
        "schedule_occurrences": 0,
        "goals": 0,
        "exchange_rates": 0,
    }
    [txn] = jsonl_rows(members["tables/transactions.jsonl"])
    assert (txn["date"], txn["amount_minor"], txn["payee"]) == ("2027-01-05", -1234, "Shop")
    assert datetime.fromisoformat(txn["created_at"]).utcoffset().total_seconds() == 0
    assert set(txn) == {column.name for column in transactions.columns}


# --- refusals change nothing ------------------------------------------------------------------


def test_restore_into_a_database_with_users_refuses_and_changes_nothing(engine, tmp_path):
    populate(engine, tmp_path / "receipts")
    backup = write_backup(engine, tmp_path / "receipts", tmp_path / "b.tar.gz")
    create_account(engine, 1, "Made after the backup", "cash")
    before = contents(engine)

    with pytest.raises(ValueError, match="already has 1 user"):
        restore_backup(engine, tmp_path / "other-receipts", backup.path)

    assert contents(engine) == before
    assert receipt_files(tmp_path / "other-receipts") == {}


def flip_a_byte(_manifest: dict, members: dict[str, bytes]) -> None:
    members["tables/transactions.jsonl"] = members["tables/transactions.jsonl"].replace(
        b"-1234", b"-1235"
    )


def drop_a_member(_manifest: dict, members: dict[str, bytes]) -> None:
    del members["tables/accounts.jsonl"]


def add_an_escaping_receipt(manifest: dict, members: dict[str, bytes]) -> None:
    members["receipts/../escaped"] = b"outside"
    manifest["members"]["receipts/../escaped"] = hashlib.sha256(b"outside").hexdigest()


def future_format(manifest: dict, _members: dict[str, bytes]) -> None:
    manifest["format_version"] = 2


def future_schema(manifest: dict, _members: dict[str, bytes]) -> None:
    manifest["schema_revision"] = "9999"


@pytest.mark.parametrize(
    ("damage", "recompute_checksums", "message"),
    [
        (flip_a_byte, False, "checksum mismatch for tables/transactions.jsonl"),
        (drop_a_member, False, "lacks members its manifest lists: tables/accounts.jsonl"),
        (add_an_escaping_receipt, False, "unsafe receipt file name"),
        (future_format, True, "format version 2 is unknown"),
        (future_schema, True, "schema revision '9999' is newer than this version's"),
    ],
    ids=lambda value: value.__name__ if callable(value) else "",
)
def test_a_damaged_or_unknown_backup_is_refused_before_anything_changes(
    small_backup, tmp_path, damage, recompute_checksums, message
):
    damaged = rebuilt(small_backup, tmp_path / "damaged.tar.gz", damage, recompute_checksums)
    target = make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")

    with pytest.raises(ValueError, match=message):
        restore_backup(target, tmp_path / "target-receipts", damaged)

    assert not inspect(target).has_table("users"), "refused after touching the database"
    assert receipt_files(tmp_path / "target-receipts") == {}
    assert not (tmp_path / "escaped").exists()
    target.dispose()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"certainly not gzip")
    target = make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    with pytest.raises(ValueError, match="not a Finance Tracker backup"):
        restore_backup(target, tmp_path / "receipts", bogus)
    target.dispose()


def test_a_manifest_that_is_no_regular_file_is_refused(tmp_path):
    # tarfile reads a directory member as None: the refusal must be ValueError, not a crash.
    bogus = tmp_path / "directory-manifest.tar.gz"
    member = tarfile.TarInfo("manifest.json")
    member.type = tarfile.DIRTYPE
    with tarfile.open(bogus, "w:gz") as tar:
        tar.addfile(member)
    target = make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    with pytest.raises(ValueError, match="not a Finance Tracker backup"):
        restore_backup(target, tmp_path / "receipts", bogus)
    target.dispose()


def test_a_restore_failing_in_the_database_removes_the_receipt_files_it_wrote(target, tmp_path):
    source = make_engine(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    upgrade_to_head(source)
    populate(source, tmp_path / "receipts")
    backup = write_backup(source, tmp_path / "receipts", tmp_path / "b.tar.gz")
    source.dispose()

    def point_at_a_missing_account(_manifest: dict, members: dict[str, bytes]) -> None:
        rows = jsonl_rows(members["tables/transactions.jsonl"])
        rows[-1]["account_id"] = 999
        members["tables/transactions.jsonl"] = as_jsonl(rows)

    broken = rebuilt(backup.path, tmp_path / "broken.tar.gz", point_at_a_missing_account)
    with pytest.raises(IntegrityError):
        restore_backup(target, tmp_path / "restored-receipts", broken)

    assert receipt_files(tmp_path / "restored-receipts") == {}
    with target.connect() as conn:
        assert conn.execute(select(func.count()).select_from(users)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(receipts)).scalar_one() == 0


# --- writing a backup -------------------------------------------------------------------------


def test_a_missing_receipt_file_is_reported_and_the_rest_is_backed_up(engine, tmp_path):
    receipts_dir = tmp_path / "receipts"
    populate(engine, receipts_dir)
    lost, kept = sorted(receipt_files(receipts_dir))
    (receipts_dir / lost).unlink()

    backup = write_backup(engine, receipts_dir, tmp_path / "b.tar.gz")

    assert backup.missing_receipts == (lost,)
    assert backup.receipt_files == 1
    with tarfile.open(backup.path, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert f"receipts/{kept}" in tar.getnames()
    assert manifest["missing_receipts"] == [lost]
    restored = restore_backup(
        make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}"), tmp_path / "restored", backup.path
    )
    assert restored.missing_receipts == (lost,)
    assert receipt_files(tmp_path / "restored") == {kept: receipt_files(receipts_dir)[kept]}


def test_a_failed_backup_leaves_no_file_behind(engine, tmp_path):
    receipts_dir = tmp_path / "receipts"
    populate(engine, receipts_dir)
    unreadable = sorted(receipt_files(receipts_dir))[-1]
    (receipts_dir / unreadable).unlink()
    (receipts_dir / unreadable).mkdir()  # a directory where the file should be
    out_dir = tmp_path / "backups"

    with pytest.raises(IsADirectoryError):
        write_backup(engine, receipts_dir, out_dir / "b.tar.gz")

    assert list(out_dir.iterdir()) == []


def test_an_existing_backup_file_is_never_overwritten(engine, tmp_path):
    make_user(engine)
    existing = tmp_path / "b.tar.gz"
    existing.write_bytes(b"an older backup")
    with pytest.raises(ValueError, match="already exists"):
        write_backup(engine, tmp_path / "receipts", existing)
    assert existing.read_bytes() == b"an older backup"


def test_a_backup_is_one_moment_even_while_another_connection_writes(engine, tmp_path):
    user_id = populate(engine, tmp_path / "receipts")
    counts_before = {name: len(rows) for name, rows in contents(engine).items()}
    with engine.connect() as conn:
        version_before = conn.execute(select(users.c.data_version)).scalar_one()
    writer = make_engine(engine.url.render_as_string(hide_password=False))
    wrote: list[int] = []

    def write_between_tables(_conn, _cursor, statement, *_args) -> None:
        # Accounts have just been read; a new account and a payment from it land before the
        # transactions are: a backup without one snapshot would hold a payment from nowhere.
        if not wrote and "FROM accounts" in statement:
            account = create_account(writer, user_id, "Opened mid-backup", "checking")
            payment = Transaction(account, TODAY, -4_200, "Mid-backup payment")
            wrote.append(create_transaction(writer, user_id, payment))

    event.listen(engine, "after_cursor_execute", write_between_tables)
    try:
        backup = write_backup(engine, tmp_path / "receipts", tmp_path / "b.tar.gz")
    finally:
        event.remove(engine, "after_cursor_execute", write_between_tables)
        writer.dispose()

    assert wrote, "the concurrent write never ran"
    assert backup.row_counts == counts_before
    with tarfile.open(backup.path, "r:gz") as tar:
        account_ids = {
            row["id"] for row in jsonl_rows(tar.extractfile("tables/accounts.jsonl").read())
        }
        txns = jsonl_rows(tar.extractfile("tables/transactions.jsonl").read())
        backed_up_users = jsonl_rows(tar.extractfile("tables/users.jsonl").read())
    assert {row["account_id"] for row in txns} <= account_ids
    assert wrote[0] not in {row["id"] for row in txns}
    assert backed_up_users[0]["data_version"] == version_before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(transactions)).scalar_one() == (
            counts_before["transactions"] + 1
        )
