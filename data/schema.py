"""The schema, as SQLAlchemy Core tables: the single source of truth. Alembic migrations follow it.

Money is stored as signed integer minor units (BIGINT): exact on PostgreSQL and SQLite alike.
Every row has an owner (user_id); queries and writes always filter on it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

# Deterministic constraint names, so migrations can alter them on both dialects.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# A submission key is a UUID in its 36-character text form; see transactions.submission_key.
SUBMISSION_KEY_LENGTH = 36
BANK_REF_LENGTH = 100
IMPORT_FORMATS = ("csv", "ofx", "qfx", "qif", "camt053")
SUBMISSION_KEY_INDEX = "uq_transactions_user_id_submission_key"
STATEMENT_KEY_INDEX = "uq_accounts_user_id_statement_key"
ACCOUNT_TYPES = ("checking", "savings", "credit_card", "cash", "investment", "loan")
CATEGORY_KINDS = ("income", "expense", "transfer")
GOAL_SOURCES = ("account", "tag")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _created_at() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False, server_default=""),
    # NULL: the user cannot log in until a password is set.
    Column("password_hash", String(255), nullable=True),
    # Default currency for new accounts and for totals across accounts.
    Column("currency", String(3), nullable=False, server_default="EUR"),
    # Bumped in the same transaction as every write of this user's data: the cache key.
    Column("data_version", BigInteger, nullable=False, server_default=text("0")),
    _created_at(),
    # Copied into each login's session and compared on every request: bumping it (a password
    # change) ends every session of this user at once, in every worker.
    Column("session_epoch", Integer, nullable=False, server_default=text("0")),
)

# Sessions: the record behind the cookie (Redis holds a copy when configured, read first). Kept in
# the database so that a Redis outage signs nobody out, and so that ending a session is a DELETE
# every request sees: the signed-in user is loaded joined to this row (data/users.py).
user_sessions = Table(
    "user_sessions",
    metadata,
    # sha256 (hex) of the random id in the cookie: a dump of this table never yields a cookie.
    Column("id_hash", String(64), primary_key=True),
    # NULL: an anonymous session (the login form's CSRF token). Set once, at the session's start:
    # a login always starts a new session.
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    # The session's values, as Flask's tagged JSON.
    Column("data", Text, nullable=False),
    # Bumped by each write: a Redis copy of another version is stale.
    Column("version", Integer, nullable=False),
    # Unix seconds (the idle timeout after the last write): an integer compares the same way on
    # both dialects, where time zones in SQLite's DATETIME text would not.
    Column("expires_at", BigInteger, nullable=False),
    Index(None, "user_id"),
    Index(None, "expires_at"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("type", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("opening_balance_minor", BigInteger, nullable=False, server_default=text("0")),
    Column("archived", Boolean, nullable=False, server_default=text("FALSE")),
    _created_at(),
    # The bank's id of the account (IBAN, OFX BANKID/ACCTID) from an imported statement: the
    # next statement of it picks this account by itself (data/imports/accounts.py).
    Column("statement_key", String(64), nullable=True),
    UniqueConstraint("user_id", "name"),
    CheckConstraint(_in("type", ACCOUNT_TYPES), name="type"),
    Index(STATEMENT_KEY_INDEX, "user_id", "statement_key", unique=True),
)

# A category's optional group (Housing: Rent, Utilities, Insurance): charts and budgets can sum
# categories by group. Deleting a group leaves its categories without one.
category_groups = Table(
    "category_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    _created_at(),
    UniqueConstraint("user_id", "name"),
)

categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("kind", String(10), nullable=False),
    Column(
        "parent_id",
        Integer,
        ForeignKey("categories.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("color", String(7), nullable=True),
    Column("archived", Boolean, nullable=False, server_default=text("FALSE")),
    _created_at(),
    # Last: migration 0005 added it to existing tables, which put it after created_at there.
    Column(
        "group_id",
        Integer,
        ForeignKey("category_groups.id", ondelete="SET NULL"),
        nullable=True,
    ),
    # What is left of a month's limit (or overspent) carries into the next month's available
    # amount (data/budget_rollover.py); derived from budgets and transactions, never stored.
    Column("rollover", Boolean, nullable=False, server_default=text("FALSE")),
    UniqueConstraint("user_id", "name"),
    CheckConstraint(_in("kind", CATEGORY_KINDS), name="kind"),
)

receipts = Table(
    "receipts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # Random file name under the receipts directory; never derived from user input.
    Column("storage_name", String(64), nullable=False, unique=True),
    Column("original_name", String(255), nullable=False),
    Column("content_type", String(50), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    _created_at(),
    Index(None, "user_id"),
)

# A bank statement imported in one go: what the file was, what became of its lines, and when.
# Undone batches stay listed (undone_at set): the history says what happened.
import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("format", String(10), nullable=False),
    # The CSV profile's name at import time (profiles can be renamed or deleted later).
    Column("profile_name", String(100), nullable=True),
    Column("imported_count", Integer, nullable=False),
    Column("duplicate_ref_count", Integer, nullable=False),
    Column("duplicate_fingerprint_count", Integer, nullable=False),
    Column("probable_count", Integer, nullable=False),
    Column("linked_count", Integer, nullable=False),
    Column("error_count", Integer, nullable=False),
    Column("skipped_count", Integer, nullable=False),
    _created_at(),
    Column("undone_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(_in("format", IMPORT_FORMATS), name="format"),
    Index(None, "user_id", "created_at"),
)

# Transactions a person entered by hand that an import recognised as the same bank line
# ("link"): the import set their fingerprint and bank_ref; undoing the batch clears them again.
import_links = Table(
    "import_links",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column(
        "batch_id", Integer, ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

# A CSV mapping (which column is the date, the amount, ...) saved for an account, picked again
# when a file with the same header shape (its signature) arrives for that account.
import_profiles = Table(
    "import_profiles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("header_signature", String(64), nullable=False),
    # data/imports/csv_mapping.py's CsvMapping as JSON.
    Column("mapping", Text, nullable=False),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("user_id", "name"),
    UniqueConstraint("user_id", "account_id", "header_signature"),
)

# An uploaded statement waiting for its review: kept in the database so that a background
# worker on another machine reads it, and removed on commit or after a day.
import_uploads = Table(
    "import_uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    _created_at(),
    Index(None, "user_id"),
    Index(None, "created_at"),
)

transactions = Table(
    "transactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("date", Date, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("payee", String(200), nullable=False, server_default=""),
    Column("memo", Text, nullable=False, server_default=""),
    Column("category_id", Integer, ForeignKey("categories.id"), nullable=True),
    # The other leg of a transfer; both legs are created and deleted together.
    Column(
        "transfer_peer_id",
        Integer,
        ForeignKey("transactions.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column(
        "receipt_id",
        Integer,
        ForeignKey("receipts.id", ondelete="SET NULL"),
        nullable=True,
    ),
    # Identifies an imported statement line, so importing the same file twice adds nothing
    # (data/imports/matching.py: account, date, amount, text and occurrence in the file).
    Column("import_fingerprint", String(64), nullable=True),
    # The bank's own id of the line (OFX FITID, CAMT AcctSvcrRef), when its file gave one.
    Column("bank_ref", String(BANK_REF_LENGTH), nullable=True),
    # The import that stored this row; undoing the batch removes exactly these rows.
    Column(
        "import_batch_id",
        Integer,
        ForeignKey("import_batches.id", ondelete="SET NULL"),
        nullable=True,
    ),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The entry form's key of the submission that created this row (a transfer's outflow leg):
    # a retried or replayed submission meets the unique index below and stores nothing new.
    # NULL (imports, demo data, older rows) is never a duplicate on either dialect.
    Column("submission_key", String(SUBMISSION_KEY_LENGTH), nullable=True),
    UniqueConstraint("user_id", "import_fingerprint"),
    # A unique index rather than a constraint: SQLite adds one in place, without the table copy
    # that batch mode would need for a constraint on an existing table.
    Index(SUBMISSION_KEY_INDEX, "user_id", "submission_key", unique=True),
    Index(None, "user_id", "date"),
    Index(None, "user_id", "category_id", "date"),
    Index(None, "user_id", "account_id", "date"),
    Index(None, "transfer_peer_id"),
    Index(None, "user_id", "account_id", "bank_ref"),
    # The payments like a schedule's (data/projection.py), found by their payee.
    Index(None, "user_id", "payee", "date"),
    Index(None, "import_batch_id"),
)

# The parts of a split transaction: one bank line divided among categories. A split transaction
# has no category of its own and two or more parts whose amounts sum to its amount exactly;
# everything that groups by category counts the parts (data/classification.py).
transaction_splits = Table(
    "transaction_splits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # The part's place in its transaction, from 0: parts read back in the order entered.
    Column("position", Integer, nullable=False),
    Column("category_id", Integer, ForeignKey("categories.id"), nullable=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("memo", Text, nullable=False, server_default=""),
    UniqueConstraint("transaction_id", "position"),
    CheckConstraint("amount_minor <> 0", name="amount_not_zero"),
    Index(None, "user_id", "category_id"),
)

# Tags: any number per transaction and per split part, named by the user, created on first use.
# Names are unique per user whatever their case (data/tag_writes.py matches them so).
tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(50), nullable=False),
    _created_at(),
    UniqueConstraint("user_id", "name"),
)

transaction_tags = Table(
    "transaction_tags",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "tag_id"),
)

split_tags = Table(
    "split_tags",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column(
        "split_id",
        Integer,
        ForeignKey("transaction_splits.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "tag_id"),
)

budgets = Table(
    "budgets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column(
        "category_id",
        Integer,
        ForeignKey("categories.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # Always the first day of the month.
    Column("month", Date, nullable=False),
    Column("limit_minor", BigInteger, nullable=False),
    UniqueConstraint("user_id", "category_id", "month"),
    CheckConstraint("limit_minor >= 0", name="limit_not_negative"),
    Index(None, "user_id", "month"),
)

# A user's categorisation rules, in `position` order (data/rules/). No unique index on
# (user_id, position): moving a rule rewrites the positions of all of them in one transaction,
# and a unique index would be violated midway on PostgreSQL.
rules = Table(
    "rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=text("TRUE")),
    # data/rules/model.py's definition_to_json: match, conditions, actions, stop.
    Column("definition", Text, nullable=False),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("user_id", "name"),
    Index(None, "user_id", "position"),
)

# One "apply to existing" of rules, undone as one step; undone runs stay listed (undone_at).
rule_runs = Table(
    "rule_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    _created_at(),
    Column("undone_at", DateTime(timezone=True), nullable=True),
    # How many transactions the run changed.
    Column("count", Integer, nullable=False),
    Index(None, "user_id", "created_at"),
)

# Each transaction a run changed: its payee, memo, category_id and tags before and after, as
# JSON. Undo restores `before` where the row still holds `after` (data/rules/existing.py).
rule_run_changes = Table(
    "rule_run_changes",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", Integer, ForeignKey("rule_runs.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Index(None, "transaction_id"),
)

# Each user's category model (data/suggest/): trained off the request path, kept here so that
# every process (web workers, the background worker) reads the same one; `data_version` says
# which state of the ledger it learned from. Its bytes are our own format (no pickle).
category_models = Table(
    "category_models",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("data_version", Integer, nullable=False),
    Column("model", LargeBinary, nullable=False),
    Column("trained_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Recurring transactions (data/schedules/): a template of a transaction and the iCalendar RRULE of
# its dates. Amounts signed as in `transactions`; `parts` holds the split parts and tags as JSON
# (data/schedules/model.py's parts_to_json), NULL for a plain one.
SCHEDULE_WEEKEND_SHIFTS = ("none", "before", "after")
OCCURRENCE_STATUSES = ("posted", "skipped")

schedules = Table(
    "schedules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("payee", String(200), nullable=False, server_default=""),
    Column("category_id", Integer, ForeignKey("categories.id"), nullable=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("memo", Text, nullable=False, server_default=""),
    Column("parts", Text, nullable=True),
    Column("rrule", Text, nullable=False),
    Column("starts_on", Date, nullable=False),
    # A date falling on a weekend moves to the Friday before or the Monday after, or stays.
    Column("weekend_shift", String(10), nullable=False, server_default="none"),
    Column("auto_post", Boolean, nullable=False, server_default=text("FALSE")),
    Column("active", Boolean, nullable=False, server_default=text("TRUE")),
    _created_at(),
    UniqueConstraint("user_id", "name"),
    CheckConstraint(_in("weekend_shift", SCHEDULE_WEEKEND_SHIFTS), name="weekend_shift"),
)

# What became of one date of a schedule. `due_on` is the rule's date before any weekend shift.
# The unique (schedule_id, due_on) makes posting idempotent: a second post of the same date
# (a double click, two workers) meets it and rolls back. A posted transaction deleted later
# leaves its row here (transaction_id NULL), so the date does not come back as due.
schedule_occurrences = Table(
    "schedule_occurrences",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("schedule_id", Integer, ForeignKey("schedules.id", ondelete="CASCADE"), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(10), nullable=False),
    Column(
        "transaction_id",
        Integer,
        ForeignKey("transactions.id", ondelete="SET NULL"),
        nullable=True,
    ),
    _created_at(),
    UniqueConstraint("schedule_id", "due_on"),
    CheckConstraint(_in("status", OCCURRENCE_STATUSES), name="status"),
    Index(None, "transaction_id"),
)

# Savings goals (data/goals/): a target amount, an optional date, and what counts toward it: an
# account's balance or the lines tagged with a tag since starts_on. The account and tag keys
# have no ON DELETE: data/tags.py refuses to delete a tag a goal counts (accounts are only
# archived), and a user's deletion cascades through both.
goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("target_minor", BigInteger, nullable=False),
    # NULL: no deadline, so no monthly amount needed; the pace still gives a date.
    Column("target_date", Date, nullable=True),
    Column("source", String(10), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), nullable=True),
    # A tag goal counts the tagged lines dated from here on.
    Column("starts_on", Date, nullable=False),
    # Set when the goal is archived after reaching its target: the badge keeps its date even if
    # the money is spent later. An active goal's date is derived on read (data/goals/progress.py).
    Column("reached_on", Date, nullable=True),
    Column("archived", Boolean, nullable=False, server_default=text("FALSE")),
    _created_at(),
    UniqueConstraint("user_id", "name"),
    CheckConstraint("target_minor > 0", name="target_positive"),
    CheckConstraint(_in("source", GOAL_SOURCES), name="source"),
    CheckConstraint(
        "(source = 'account' AND account_id IS NOT NULL AND tag_id IS NULL)"
        " OR (source = 'tag' AND tag_id IS NOT NULL AND account_id IS NULL)",
        name="source_key",
    ),
    Index(None, "account_id"),
    Index(None, "tag_id"),
)

# Exchange rates, per user (data/rates.py): on `on_date`, one unit of `base_currency` (the
# reporting currency the rate was entered against) is worth rate_micro / 10**6 units of
# `currency` (the ECB's way round, so its reference rates are stored exactly). A change of the
# user's reporting currency never reinterprets a rate: conversion reads only the rates whose
# base is the current reporting currency. The unique index serves "latest on or before".
exchange_rates = Table(
    "exchange_rates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("base_currency", String(3), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("rate_micro", BigInteger, nullable=False),
    UniqueConstraint("user_id", "base_currency", "currency", "on_date"),
    CheckConstraint("rate_micro > 0", name="rate_positive"),
)


# Per user, month, account, category and transfer flag: the sums of the lines (a split's parts,
# or the transaction itself) that the overview's aggregates read instead of every row. Kept by
# the database's own triggers (data/rollup_triggers.py) in the transaction of every write, so
# no code path can forget it; data/rollups.py rebuilds and checks it. category_id 0 stands for
# "no category" (a key column cannot be NULL); no foreign keys, as the triggers of a cascading
# delete write here while the parent rows go.
monthly_rollups = Table(
    "monthly_rollups",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("month", Date, primary_key=True),
    Column("account_id", Integer, primary_key=True, autoincrement=False),
    Column("category_id", Integer, primary_key=True, autoincrement=False),
    # 1 when the lines are a transfer's legs (transfer_peer_id set): never income or spending.
    Column("is_transfer", Integer, primary_key=True, autoincrement=False),
    # Positive and negative lines apart: uncategorised lines count by their sign.
    Column("inflow_minor", BigInteger, nullable=False),
    Column("outflow_minor", BigInteger, nullable=False),
    Column("line_count", Integer, nullable=False),
)

# The same sums per day instead of per month, kept by the same triggers: the reads of part of
# a month (the projections' history after today's day of the month, a range's edge days).
daily_rollups = Table(
    "daily_rollups",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("day", Date, primary_key=True),
    Column("account_id", Integer, primary_key=True, autoincrement=False),
    Column("category_id", Integer, primary_key=True, autoincrement=False),
    Column("is_transfer", Integer, primary_key=True, autoincrement=False),
    Column("inflow_minor", BigInteger, nullable=False),
    Column("outflow_minor", BigInteger, nullable=False),
    Column("line_count", Integer, nullable=False),
)

# The monthly sums per payee too, kept by the same triggers: the top payees. outflow_count
# counts the negative lines (the spending lines of an uncategorised group).
payee_rollups = Table(
    "payee_rollups",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("month", Date, primary_key=True),
    Column("account_id", Integer, primary_key=True, autoincrement=False),
    Column("category_id", Integer, primary_key=True, autoincrement=False),
    Column("is_transfer", Integer, primary_key=True, autoincrement=False),
    Column("payee", String(200), primary_key=True),
    Column("inflow_minor", BigInteger, nullable=False),
    Column("outflow_minor", BigInteger, nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("outflow_count", Integer, nullable=False),
)
