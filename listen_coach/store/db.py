"""Opening the database: SQLite at the data folder, or PostgreSQL from `LISTEN_COACH_DB`.

SQLite runs in WAL mode with foreign keys on and a 30 s busy timeout, and every
write transaction starts with BEGIN IMMEDIATE, so two app instances on one file
queue for the lock instead of failing half-way. Files are created readable by the
user only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert, inspect
from sqlalchemy.exc import DBAPIError, OperationalError

from listen_coach.errors import UserError
from listen_coach.store import schema

DB_ENV = "LISTEN_COACH_DB"
DB_FILE = "listen-coach.db"
#: How long a writer waits for another instance's lock (SQLite) before giving up.
BUSY_TIMEOUT_S = 30


class StoreError(UserError):
    """The database cannot be opened, or was written by a newer listen-coach."""


def database_url(data_path: Path, configured: str = "") -> str:
    """`$LISTEN_COACH_DB` if set, else the configured URL, else the SQLite file in the
    data folder."""
    url = os.environ.get(DB_ENV, "").strip() or configured.strip()
    if url:
        if url.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        if url.startswith(("postgresql+", "sqlite:")):
            return url
        raise StoreError(f"{DB_ENV} must be a postgresql://user:password@host/dbname URL "
                         f"(or unset, for the local SQLite file); got {url.split(':', 1)[0]}://...")
    return f"sqlite:///{data_path / DB_FILE}"


def private_dir(path: Path) -> Path:
    """`path` as a folder; created readable by the user only. A folder that already
    exists keeps its permissions: the user chose it (a shared folder, a home
    directory) and listen-coach's own files inside it are private anyway."""
    if not path.is_dir():
        try:
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, stat.S_IRWXU)
        except OSError as exc:  # a file in the way, no permission, a read-only disk
            raise StoreError(f"The folder {path} cannot be made ({exc.strerror or exc}); "
                             "choose another data folder in the settings "
                             "(data_dir) or with LISTEN_COACH_DATA_DIR.") from None
    return path


def _sqlite_engine(url: str) -> Engine:
    path = Path(url.removeprefix("sqlite:///"))
    private_dir(path.parent)
    if not path.exists():
        path.touch(mode=0o600)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                os.chmod(extra, 0o600)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:"):
        return _sqlite_engine(url)
    try:
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    except ImportError:
        raise StoreError(
            "PostgreSQL support needs the psycopg package; run `make setup`.") from None


def migrate(engine: Engine) -> int:
    """Create the tables on a new database; bring an older one up to SCHEMA_VERSION."""
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        tables = set(inspect(conn).get_table_names())
        if "meta" not in tables:
            schema.metadata.create_all(conn)
            conn.execute(insert(schema.meta).values(key="schema_version",
                                                    value=str(schema.SCHEMA_VERSION)))
            return schema.SCHEMA_VERSION
        version = schema.current_version(conn)
        if version > schema.SCHEMA_VERSION:
            raise StoreError(
                f"The database was written by a newer listen-coach (schema {version}, this "
                f"one knows {schema.SCHEMA_VERSION}); update listen-coach to open it.")
        while version < schema.SCHEMA_VERSION:
            schema.MIGRATIONS[version](conn)
            version += 1
            conn.execute(schema.meta.update().where(schema.meta.c.key == "schema_version")
                         .values(value=str(version)))
        return version


def unreachable(exc: Exception) -> bool:
    """The database could not be reached (as opposed to a bad statement, a bug)."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def reason(exc: Exception | None) -> str:
    """The driver's own first line about a database error, for a one-sentence message."""
    if exc is None:
        return "unknown error"
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return text[:160]
