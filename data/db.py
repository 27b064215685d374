"""Engine factory and the few places where PostgreSQL and SQLite differ."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, Engine, String, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

_engines: dict[tuple[str, int, int], Engine] = {}
_engines_lock = threading.Lock()


def make_engine(url: str, statement_timeout_ms: int = 15_000, connect_timeout_s: int = 3) -> Engine:
    """A new engine with the pool and time limits this app relies on."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        # SQLAlchemy 2.1 defaults to psycopg 3; we ship psycopg2-binary.
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": statement_timeout_ms / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=5,
        # statement_timeout: PostgreSQL cancels a runaway query before gunicorn kills the worker.
        connect_args={
            "connect_timeout": connect_timeout_s,
            "options": f"-c statement_timeout={int(statement_timeout_ms)}",
            "application_name": "finance-tracker",
        },
    )


def _sqlite_on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked; WAL lets readers run beside one writer.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def shared_engine(
    url: str, statement_timeout_ms: int = 15_000, connect_timeout_s: int = 3
) -> Engine:
    """One engine per URL (and limits) per process, so every request shares one pool."""
    key = (url, statement_timeout_ms, connect_timeout_s)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = make_engine(url, statement_timeout_ms, connect_timeout_s)
        return engine


def dispose_engines() -> None:
    """Drop pooled connections (gunicorn post_fork): a forked child must never reuse them."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose(close=False)


@dataclass
class _Held:
    engine: Engine
    connection: Connection | None = None


# Set by one_connection(): the connection the reads of this context share.
_HELD: ContextVar[_Held | None] = ContextVar("held_connection", default=None)


@contextmanager
def one_connection(engine: Engine) -> Iterator[None]:
    """Within it, connection(engine) in this context (thread) is one pooled connection, checked
    out at its first use and returned at the end. A cached read model runs a few statements
    (a cold overview: ~50 in all), and each checkout of its own cost two more round trips, the
    pool's ping and the rollback at return; under a busy GIL each round trip is a wait for it
    again. Reads only: READ COMMITTED, so each statement still sees what is committed."""
    held = _HELD.get()
    if held is not None and held.engine is engine:
        yield
        return
    mine = _Held(engine)
    token = _HELD.set(mine)
    try:
        yield
    finally:
        _HELD.reset(token)
        if mine.connection is not None:
            mine.connection.close()


@contextmanager
def connection(engine: Engine) -> Iterator[Connection]:
    """engine.connect(), or within one_connection(engine) the connection it holds."""
    held = _HELD.get()
    if held is None or held.engine is not engine:
        with engine.connect() as conn:
            yield conn
        return
    if held.connection is None or held.connection.closed:
        held.connection = engine.connect()
    yield held.connection


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class month_bucket(FunctionElement):  # noqa: N801 - used like a SQL function
    """'YYYY-MM' of a DATE column, portable across the two dialects."""

    type = String()
    inherit_cache = True
    name = "month_bucket"


@compiles(month_bucket, "postgresql")
def _month_bucket_pg(element: month_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(month_bucket, "sqlite")
def _month_bucket_sqlite(element: month_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


class month_first_day(FunctionElement):  # noqa: N801 - used like a SQL function
    """The first day of a DATE column's month, as a DATE, portable across the two dialects."""

    type = Date()
    inherit_cache = True
    name = "month_first_day"


@compiles(month_first_day, "postgresql")
def _month_first_day_pg(element: month_first_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_first_day, "sqlite")
def _month_first_day_sqlite(element: month_first_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"
