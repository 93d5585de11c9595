"""The queue database: SQLAlchemy models, Alembic upgrades and the SQL queue service.

One SQLite file on a standalone kiosk PC, or one PostgreSQL server (psycopg 3) shared by
every kiosk, counter and board on a closed LAN. This is the only module that knows the
dialect: engines, SQLite pragmas, the atomic upsert that allocates ticket numbers.
It also holds the dialect-free helpers the in-memory ``FakeQueueService`` shares
(business day, number format, request checks); statuses, staff-call results and wait
estimates live in ``kiosk.core.queue_rules``. The tables hold numbers, routes,
times, language tags and procedure (form) ids only: never a name, an address, a birth
date or an answer, and nothing here may log one. Callers get frozen dataclasses from
``kiosk.core`` and the errors of ``kiosk.core.ports`` and ``kiosk.core.queue_rules``,
never ORM objects or driver exceptions.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    case,
    create_engine,
    event,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column
from sqlalchemy.types import TypeDecorator

from kiosk.adapters.queue_changes import CHANGES_CHANNEL, ChangeWatcher
from kiosk.config import ALL_LANGUAGES, Config, ConfigError
from kiosk.core.ports import Clock, CounterWait, PortError, QueueUnavailableError
from kiosk.core.queue_rules import (
    CALL_EVENTS,
    FINISH_EVENTS,
    LEARNING_WINDOW_DAYS,
    VISIT_DONE,
    BoardSnapshot,
    CalledTicket,
    CounterBoard,
    EventKind,
    QueueError,
    QueueErrorCode,
    ServiceTimes,
    TicketStatus,
    VisitEvent,
    VisitStatus,
    estimate_work_min,
    learn_service_times,
    service_samples,
    split_procedures,
)
from kiosk.core.ticket import RouteStop, Ticket

#: Local timezone of the business day. The site config has no timezone setting yet, so
#: callers pass one explicitly when a site is not in Japan.
DEFAULT_TIMEZONE = "Asia/Tokyo"

#: How long learned service times are reused before the event log is read again. Other
#: counters serve too; a minute of staleness moves an estimate by well under a minute.
SERVICE_TIMES_TTL = timedelta(seconds=60)

#: How long a SQLite connection waits for another writer before failing (milliseconds).
#: Issuing a ticket holds the write lock for about a millisecond; 10 s covers a slow disk.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: How long a kiosk waits for an unreachable PostgreSQL server when the URL sets no
#: connect_timeout: a citizen should see "ticketing paused" quickly, not a frozen screen.
POSTGRES_CONNECT_TIMEOUT_S = 5

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Procedure ids are form file names. Checking their shape keeps free text (and so any
# personal data) out of ticket_visits.procedures, and keeps the comma separator safe.
_PROCEDURE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Execution option that marks a connection as read-only, so SQLite may use a deferred
# (shared) transaction for it instead of taking the write lock.
_READ_ONLY = "kiosk_read_only"


# --------------------------------------------------------------------------- rules


class SystemClock:
    """The real clock, in UTC; tests pass a clock they control instead."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def business_day(moment: datetime, starts_hour: int, zone: ZoneInfo) -> date:
    """The local date whose business day contains ``moment``.

    Numbers restart at ``starts_hour`` local time, not at midnight, so a counter that
    works late (or a clock a few minutes fast) never restarts the series mid-evening.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business_day needs a timezone-aware datetime")
    check_starts_hour(starts_hour)
    # Wall-clock arithmetic in the local zone: 03:59 with a 04:00 start is still yesterday.
    return (moment.astimezone(zone) - timedelta(hours=starts_hour)).date()


def check_starts_hour(starts_hour: int) -> int:
    """The configured reset hour, if it is an hour of the day."""
    if not 0 <= starts_hour <= 23:
        raise ConfigError(f"database.business_day_starts_hour must be 0–23, not {starts_hour}")
    return starts_hour


def format_number(letter: str, seq: int) -> str:
    """The printed ticket number: the service letter and at least three digits ("A-017")."""
    return f"{letter}-{seq:03d}"


def counter_waits(
    config: Config, queues: Mapping[str, Sequence[tuple[str, ...]]], times: ServiceTimes
) -> list[CounterWait]:
    """One entry per configured counter, in config order: people waiting and the work ahead.

    ``queues`` maps a counter id to the procedure ids of each visit waiting there.
    """
    return [
        CounterWait(
            counter.id,
            len(waiting),
            estimate_work_min(times, ((counter.id, procs) for procs in waiting), counter.clerks),
        )
        for counter in config.counters
        for waiting in (queues.get(counter.id, ()),)
    ]


def check_ticket_request(route: Sequence[RouteStop], language: str) -> tuple[RouteStop, ...]:
    """Reject requests that could carry free text into the queue records.

    These are programming errors (the UI builds routes from form files and languages
    from config), hence ValueError rather than a coded KioskError.
    """
    stops = tuple(route)
    if not stops:
        raise ValueError("a ticket needs at least one counter on its route")
    if language not in ALL_LANGUAGES:
        raise ValueError(f"unknown language tag {language!r}; expected one of {ALL_LANGUAGES}")
    for index, stop in enumerate(stops):
        for procedure in stop.procedures:
            if not _PROCEDURE_ID.fullmatch(procedure):
                raise ValueError(
                    f"route[{index}].procedures: {procedure!r} is not a form id "
                    "(letters, digits, '_' and '-', at most 64)"
                )
    return stops


# --------------------------------------------------------------------------- models

# Explicit constraint names, so Alembic migrations can drop or alter them by name on
# every dialect (SQLite and PostgreSQL would otherwise invent different ones).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every dialect.

    PostgreSQL stores ``timestamptz``; SQLite has no such type, so values are stored
    as UTC text without an offset and get ``UTC`` back on reading. Naive datetimes are
    refused: a kiosk clock in local time would otherwise shift every record by 9 hours.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("queue times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


class ServiceRow(Base):
    """A ticket series from the site config; kept (inactive) when removed, for old tickets."""

    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    letter: Mapped[str] = mapped_column(String(4))
    active: Mapped[bool] = mapped_column(default=True)


class CounterRow(Base):
    """A counter from the site config; display names stay in the config, not here."""

    __tablename__ = "counters"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    # Staff open and close their counter; a closed counter calls no one (migration 0002).
    is_open: Mapped[bool] = mapped_column(default=True, server_default=true())


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # The safety net behind the atomic allocation in _allocate_seq: whatever
        # happens to number_counters, a number is never issued twice in one day.
        UniqueConstraint("service_id", "business_day", "seq"),
        CheckConstraint(_one_of("status", TicketStatus), name="status"),
        Index("ix_tickets_business_day_status", "business_day", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"))
    business_day: Mapped[date]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(16))  # "A-017", as printed
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    language: Mapped[str] = mapped_column(String(16))  # BCP 47 tag from config.ALL_LANGUAGES
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[bool] = mapped_column(default=False)  # staff may put a ticket first


class VisitRow(Base):
    """One stop of a ticket's route: which counter, which procedures, and how it went."""

    __tablename__ = "ticket_visits"
    __table_args__ = (
        CheckConstraint(_one_of("status", VisitStatus), name="status"),
        Index("ix_ticket_visits_counter_id_status", "counter_id", "status"),
    )

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)  # 0 = first stop
    counter_id: Mapped[str] = mapped_column(ForeignKey("counters.id"))
    procedures: Mapped[str] = mapped_column(Text)  # comma-separated form ids, in order
    status: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # became current
    called_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EventRow(Base):
    """Append-only log of what happened to tickets; the source of statistics."""

    __tablename__ = "ticket_events"
    __table_args__ = (CheckConstraint(_one_of("kind", EventKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int | None]  # the visit concerned; None for whole-ticket events
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))


class NumberCounterRow(Base):
    """The last number issued per service and business day (see _allocate_seq)."""

    __tablename__ = "number_counters"

    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), primary_key=True)
    business_day: Mapped[date] = mapped_column(primary_key=True)
    last_seq: Mapped[int]


# --------------------------------------------------------------------------- engine


def make_engine(url: str | URL) -> Engine:
    """An engine for ``sqlite:///path`` or ``postgresql+psycopg://…``; opens no connection."""
    url = make_url(url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if sqlite3.sqlite_version_info < (3, 35):
            # INSERT … ON CONFLICT … RETURNING (number allocation) arrived in 3.35.
            raise ConfigError(f"SQLite {sqlite3.sqlite_version} is too old; 3.35 or newer is needed")
        engine = create_engine(url)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        database = url.database
        if database and database != ":memory:" and not url.query.get("uri"):
            event.listen(engine, "checkout", _sqlite_file_guard(Path(database)))
        return engine
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3 is the one we ship
        if url.get_driver_name() != "psycopg":
            raise ConfigError(
                f"database.url uses driver {url.get_driver_name()!r}; use postgresql+psycopg://"
            )
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in url.query:
            connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
        # pre_ping: a server restarted overnight must not cost the first citizen a ticket.
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    raise ConfigError(
        f"database.url {url.drivername!r} is not supported; use sqlite:///path or "
        "postgresql+psycopg://user@host/db"
    )


def _on_sqlite_connect(dbapi_connection: Any, _connection_record: Any) -> None:
    # Take BEGIN away from the sqlite3 module: in its legacy mode it emits no BEGIN
    # before SELECT, so a read followed by a write would not be one transaction.
    # _on_sqlite_begin emits our own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL lets the board and counters read while a kiosk writes. It needs a local
        # disk (not a network share); several PCs share PostgreSQL instead. synchronous
        # stays FULL (the default): after a power cut a committed number must not be
        # lost and printed again.
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _sqlite_file_guard(path: Path) -> Callable[[Any, Any, Any], None]:
    """A pool check that the database file still exists before a pooled connection is reused.

    On Linux an open connection keeps writing to a file whose folder was deleted (a
    removed USB disk, a cleaned-up data folder): tickets would vanish with it and the
    numbers restart when the folder comes back. Raising DisconnectionError makes the
    pool drop the connection and reconnect, which then fails and pauses ticketing.
    """

    def check(_dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not path.exists():
            raise DisconnectionError(f"the SQLite database file is gone: {path.name}")

    return check


def _on_sqlite_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front (waiting up to busy_timeout). A
    # deferred transaction that reads and then writes can instead fail at once with
    # "database is locked" when another kiosk wrote in between, which busy_timeout
    # cannot fix. Read-only work (board, attract screen) keeps the cheap deferred BEGIN.
    if conn.get_execution_options().get(_READ_ONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _upsert(
    conn: Connection,
    model: type[Base],
    values: Mapping[str, Any],
    keys: Sequence[str],
    set_: Mapping[str, Any],
) -> Any:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET …: the one dialect-specific statement."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt: Any = pg_dialect.insert(model).values(**values)
    elif dialect == "sqlite":
        stmt = sqlite_dialect.insert(model).values(**values)
    else:  # make_engine refuses other dialects; this guards engines built elsewhere
        raise ConfigError(f"the queue database does not support {dialect!r}")
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=dict(set_))


@contextmanager
def _queue_errors(action: str) -> Iterator[None]:
    """Turn every database failure into QueueUnavailableError, so ticketing just pauses."""
    try:
        yield
    except QueueUnavailableError:
        raise
    except IntegrityError as exc:
        raise QueueUnavailableError(
            PortError.QUEUE_UNAVAILABLE, f"{action}: the database refused the change ({_reason(exc)})"
        ) from exc
    except SQLAlchemyError as exc:
        raise QueueUnavailableError(PortError.QUEUE_UNAVAILABLE, f"{action}: {_reason(exc)}") from exc


def _reason(exc: SQLAlchemyError) -> str:
    # The driver's own first line only: SQLAlchemy's str() appends the SQL and its
    # parameters, which do not belong in logs.
    cause: BaseException = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"[:300]


# --------------------------------------------------------------------------- schema


#: The newest migration. Checked against Alembic's own head by a test; kept here so that a
#: kiosk whose database is already current skips importing Alembic (most of a second).
SCHEMA_HEAD = "0002"

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig


def alembic_config(url: str | None = None) -> AlembicConfig:
    """Alembic settings built in code, so no alembic.ini has to ship with the kiosk.

    Developers create a new revision with
    ``command.revision(alembic_config("sqlite:///dev.sqlite3"), "…", autogenerate=True)``
    after upgrading that database to head.
    """
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # configparser interpolation: a percent-encoded password needs "%%".
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(engine_or_url: Engine | str | URL) -> None:
    """Create or upgrade the schema to the newest migration; safe to run at every start.

    For SQLite it also creates the database file's folder: this is the one step meant
    to create the database, so a fresh PC needs no manual setup.
    """
    owned = not isinstance(engine_or_url, Engine)
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        database = engine.url.database
        if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise QueueUnavailableError(
                    PortError.QUEUE_UNAVAILABLE, f"cannot create the database folder: {exc.strerror}"
                ) from exc
        with _queue_errors("upgrade the database"), engine.connect() as conn:
            current = _schema_version(conn)
            conn.rollback()  # end the autobegun read so the migration can open its own
            if current != SCHEMA_HEAD:
                _run_migrations(conn)
    finally:
        if owned:
            engine.dispose()


def _schema_version(conn: Connection) -> str | None:
    if not sa_inspect(conn).has_table("alembic_version"):
        return None
    versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    return versions[0] if len(versions) == 1 else None


def _run_migrations(conn: Connection) -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a table by copying it and dropping the old one (Alembic's batch
        # mode), and with foreign keys on, DROP TABLE tickets would first cascade-delete
        # every visit and event. So keys are off during migrations (this pragma only
        # works outside a transaction) and checked before the commit instead.
        _pragma_outside_transaction(conn, "PRAGMA foreign_keys = OFF")
    try:
        with conn.begin():
            config = alembic_config()
            config.attributes["connection"] = conn
            try:
                command.upgrade(config, "head")
            except CommandError as exc:
                # Typically a database already upgraded by a newer kiosk version.
                raise QueueUnavailableError(
                    PortError.QUEUE_UNAVAILABLE, f"cannot upgrade the database: {exc}"
                ) from exc
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise QueueUnavailableError(
                    PortError.QUEUE_UNAVAILABLE,
                    "the migration left rows pointing at missing rows; nothing was changed",
                )
    finally:
        if sqlite:
            try:
                _pragma_outside_transaction(conn, "PRAGMA foreign_keys = ON")
            except sqlite3.Error:
                conn.invalidate()  # never hand a connection with keys off back to the pool


def _pragma_outside_transaction(conn: Connection, pragma: str) -> None:
    # Straight to the sqlite3 connection: going through SQLAlchemy would BEGIN first.
    driver = conn.connection.driver_connection
    if driver is None:
        raise QueueUnavailableError(PortError.QUEUE_UNAVAILABLE, "the SQLite connection is closed")
    driver.execute(pragma)


def sync_site(engine: Engine, config: Config) -> None:
    """Upsert the config's services and counters; mark the ones it no longer lists inactive.

    Rows are never deleted, because old tickets refer to them.
    """
    _check_site(config)
    with _queue_errors("sync services and counters"), engine.begin() as conn:
        tables: tuple[tuple[Any, Sequence[Any], Callable[[Any], dict[str, Any]]], ...] = (
            (ServiceRow, config.services, lambda service: {"letter": service.letter}),
            (CounterRow, config.counters, lambda counter: {"number": counter.number}),
        )
        for row, items, columns in tables:
            for item in items:
                values = {**columns(item), "active": True}
                conn.execute(_upsert(conn, row, {"id": item.id, **values}, keys=("id",), set_=values))
            conn.execute(update(row).where(row.id.not_in([item.id for item in items])).values(active=False))


def _check_site(config: Config) -> None:
    # Duplicate letters would print the same number ("A-001") for two series.
    for label, values in (
        ("service ids", [service.id for service in config.services]),
        ("service letters", [service.letter for service in config.services]),
        ("counter ids", [counter.id for counter in config.counters]),
        ("counter numbers", [str(counter.number) for counter in config.counters]),
    ):
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            raise ConfigError(f"the site config repeats {label}: {duplicates}")


# Demo floor for `kiosk --demo`: people waiting at each counter, in config order
# (cycled when a site has more counters), so the waits on screen look like a weekday
# morning. Only numbers and routes are created.
_DEMO_WAITING = (5, 2, 1, 3)


def seed_demo(
    engine: Engine,
    config: Config,
    clock: Clock | None = None,
    *,
    timezone: str = DEFAULT_TIMEZONE,
) -> int:
    """Sync the site and, if today has no tickets yet, queue a few demo ones; return how many.

    Tickets go through ``SqlQueueService.issue_ticket``, so they are numbered and
    counted exactly like real ones, and running the demo again the same day adds none.
    """
    clock = clock or SystemClock()
    sync_site(engine, config)
    service = SqlQueueService(engine, config, clock, timezone=timezone)
    today = business_day(clock.now(), config.business_day_starts_hour, ZoneInfo(timezone))
    with _queue_errors("seed the demo queue"), engine.connect() as conn:
        existing = conn.scalar(
            select(func.count()).select_from(TicketRow).where(TicketRow.business_day == today)
        )
    if existing or not config.services or not config.counters:
        return 0
    counters = config.counters
    issued = 0
    for index, counter in enumerate(counters):
        for person in range(_DEMO_WAITING[index % len(_DEMO_WAITING)]):
            stops = [RouteStop(counter.id, counter.number, ())]
            if person % 2 == 0 and len(counters) > 1:  # some go on to the next counter
                following = counters[(index + 1) % len(counters)]
                stops.append(RouteStop(following.id, following.number, ()))
            service_id = config.services[(issued // 3) % len(config.services)].id
            language = config.languages[issued % len(config.languages)]
            service.issue_ticket(service_id, stops, language)
            issued += 1
    return issued


# --------------------------------------------------------------------------- service


class SqlQueueService:
    """The live queue (``kiosk.core.ports.QueueService``) on the shared database.

    Every call opens and closes its own transaction and returns frozen dataclasses.
    Practice tickets are refused: practice mode uses ``FakeQueueService`` so that a
    smartphone class never takes a real number or shows up in the statistics.
    """

    def __init__(
        self,
        engine: Engine,
        config: Config,
        clock: Clock,
        *,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> None:
        self._engine = engine
        self._reader = engine.execution_options(**{_READ_ONLY: True})
        self._config = config
        self._clock = clock
        self._zone = ZoneInfo(timezone)
        self._starts_hour = check_starts_hour(config.business_day_starts_hour)
        self._times: tuple[datetime, ServiceTimes] | None = None

    def watch_changes(self, on_change: Callable[[], None]) -> Callable[[], None] | None:
        """Call ``on_change`` (from another thread) on every queue change, on PostgreSQL.

        Returns the function that stops watching, or None on SQLite, which cannot push:
        its readers poll instead.
        """
        if self._engine.dialect.name != "postgresql":
            return None
        url = self._engine.url.set(drivername="postgresql")
        watcher = ChangeWatcher(url.render_as_string(hide_password=False), on_change).start()
        return watcher.stop

    def business_day(self) -> date:
        """Today's business day by this service's clock."""
        return business_day(self._now(), self._starts_hour, self._zone)

    def issue_ticket(
        self, service_id: str, route: Sequence[RouteStop], language: str, practice: bool = False
    ) -> Ticket:
        if practice:
            raise ValueError(
                "practice tickets never enter the live queue; give practice mode a FakeQueueService"
            )
        stops = check_ticket_request(route, language)
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        counter_ids = {stop.counter_id for stop in stops}
        with _queue_errors("issue a ticket"), self._engine.begin() as conn:
            letter = conn.scalar(
                select(ServiceRow.letter).where(ServiceRow.id == service_id, ServiceRow.active)
            )
            if letter is None:
                raise QueueUnavailableError(
                    PortError.QUEUE_UNKNOWN_SERVICE,
                    f"service {service_id!r} is not in the queue database (is it in the site "
                    "config, and has sync_site run?)",
                )
            known = set(
                conn.scalars(
                    select(CounterRow.id).where(CounterRow.id.in_(counter_ids), CounterRow.active)
                )
            )
            if unknown := sorted(counter_ids - known):
                raise QueueUnavailableError(
                    PortError.QUEUE_UNKNOWN_SERVICE,
                    f"route names counter(s) {unknown} that the queue database does not have",
                )
            seq = _allocate_seq(conn, service_id, day)
            ticket_id = conn.scalar(
                insert(TicketRow)
                .values(
                    service_id=service_id,
                    business_day=day,
                    seq=seq,
                    number=format_number(letter, seq),
                    issued_at=now,
                    language=language,
                    status=TicketStatus.OPEN,
                    priority=False,
                )
                .returning(TicketRow.id)
            )
            conn.execute(
                insert(VisitRow),
                [
                    {
                        "ticket_id": ticket_id,
                        "position": position,
                        "counter_id": stop.counter_id,
                        "procedures": ",".join(stop.procedures),
                        "status": VisitStatus.WAITING,
                        "queued_at": now if position == 0 else None,
                        "called_at": None,
                        "finished_at": None,
                    }
                    for position, stop in enumerate(stops)
                ],
            )
            _log(conn, ticket_id, 0, EventKind.ISSUED, now, stops[0].counter_id)
            # Counted inside the same (write-locked on SQLite) transaction, so two
            # kiosks issuing at once are told different numbers of people ahead.
            queue_ahead = _waiting_visits(conn, day, exclude_ticket=ticket_id).get(
                stops[0].counter_id, []
            )
            times = self._service_times(conn, now)
        return Ticket(
            number=format_number(letter, seq),
            service_id=service_id,
            issued_at=int(now.timestamp()),
            route=stops,
            people_ahead=len(queue_ahead),
            estimated_wait_min=estimate_work_min(
                times, ((stops[0].counter_id, procs) for procs in queue_ahead),
                self._config.counter(stops[0].counter_id).clerks,
            ),
        )

    def waiting_summary(self) -> list[CounterWait]:
        day = business_day(self._now(), self._starts_hour, self._zone)
        with _queue_errors("read the waiting summary"), self._reader.begin() as conn:
            queues = _waiting_visits(conn, day)
            times = self._service_times(conn, self._now())
        return counter_waits(self._config, queues, times)

    # ----------------------------------------------------------------- staff calling

    def open_counter(self, counter_id: str) -> None:
        """Let staff call at this counter again (counters start open)."""
        self._set_open(counter_id, True)

    def close_counter(self, counter_id: str) -> None:
        """Stop calling at this counter; tickets already called here can still be finished."""
        self._set_open(counter_id, False)

    def set_priority(self, ticket_number: str, priority: bool = True) -> None:
        """Put a ticket first (or back in issue order) at every counter of its route."""
        day = self.business_day()
        with _queue_errors("set a ticket's priority"), self._engine.begin() as conn:
            ticket = _ticket(conn, day, ticket_number)
            _require(ticket.status == TicketStatus.OPEN, f"ticket {ticket_number} is {ticket.status}")
            conn.execute(update(TicketRow).where(TicketRow.id == ticket.id).values(priority=priority))
            _announce_change(conn)

    def call_next(self, counter_id: str) -> CalledTicket | None:
        """Call the next citizen to this counter; None when no one is waiting here.

        Order: priority tickets first, then the ticket's original issue time (a citizen
        passed on from another counter keeps their place), a skipped one from its skip.
        """
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        with _queue_errors("call the next ticket"), self._engine.begin() as conn:
            if not _counter(conn, counter_id).is_open:
                raise QueueError(QueueErrorCode.COUNTER_CLOSED, f"counter {counter_id!r} is closed")
            # A waiting visit with a called_at was skipped at that time (see skip()).
            queue_time = case(
                (VisitRow.called_at.is_not(None), VisitRow.called_at), else_=TicketRow.issued_at
            )
            stmt = (
                select(
                    VisitRow.ticket_id,
                    VisitRow.position,
                    VisitRow.procedures,
                    TicketRow.number,
                    TicketRow.language,
                    TicketRow.priority,
                )
                .join(TicketRow, TicketRow.id == VisitRow.ticket_id)
                .where(
                    VisitRow.counter_id == counter_id,
                    VisitRow.status == VisitStatus.WAITING,
                    TicketRow.business_day == day,
                    TicketRow.status == TicketStatus.OPEN,
                    ~_unfinished_before(),
                )
                .order_by(TicketRow.priority.desc(), queue_time, TicketRow.id)
                .limit(1)
            )
            if conn.dialect.name == "postgresql":
                # Two staff at counters of the same type may call at the same instant.
                # FOR UPDATE locks the chosen visit until commit; SKIP LOCKED makes the
                # other caller take the next unlocked one instead of waiting and then
                # calling the same citizen. SQLite needs neither: every write
                # transaction here starts with BEGIN IMMEDIATE (_on_sqlite_begin), which
                # holds the database's single write lock, so the read and the update
                # below run with no other writer in between.
                stmt = stmt.with_for_update(skip_locked=True, of=VisitRow)
            row = conn.execute(stmt).first()
            if row is None:
                return None
            changed = conn.execute(
                update(VisitRow)
                .where(
                    VisitRow.ticket_id == row.ticket_id,
                    VisitRow.position == row.position,
                    VisitRow.status == VisitStatus.WAITING,
                )
                .values(status=VisitStatus.CALLED, called_at=now)
            )
            if changed.rowcount != 1:  # pragma: no cover - guarded by the lock above
                raise QueueUnavailableError(PortError.QUEUE_UNAVAILABLE, "the ticket was taken meanwhile")
            _log(conn, row.ticket_id, row.position, EventKind.CALLED, now, counter_id)
        return self._called_ticket(
            row.number, counter_id, row.position, row.procedures, row.language, now, row.priority
        )

    def _called_ticket(
        self, number: str, counter_id: str, position: int, procedures: str, language: str,
        at: datetime, priority: Any,
    ) -> CalledTicket:
        """The staff-facing view of one call (call_next, recall and the board's recent calls)."""
        return CalledTicket(
            number=number,
            counter_id=counter_id,
            counter_number=self._counter_number(counter_id),
            position=position,
            procedures=split_procedures(procedures),
            language=language,
            called_at=int(at.timestamp()),
            priority=bool(priority),
        )

    def recall(self, ticket_number: str, counter_id: str) -> CalledTicket:
        """Call a ticket already called at this counter again (the board shows it anew)."""
        now = self._now()
        with _queue_errors("recall a ticket"), self._engine.begin() as conn:
            ticket, visit = self._called_visit(conn, ticket_number, counter_id, now)
            _set_visit(conn, visit, called_at=now)
            _log(conn, ticket.id, visit.position, EventKind.RECALLED, now, counter_id)
        return self._called_ticket(
            ticket.number, counter_id, visit.position, visit.procedures, ticket.language, now, ticket.priority
        )

    def skip(self, ticket_number: str, counter_id: str) -> None:
        """The called citizen is not here yet: back to waiting, queued from now.

        The ticket is called again after everyone issued before the skip, so "call
        next" moves on instead of calling the absent citizen again at once.
        """
        now = self._now()
        with _queue_errors("skip a ticket"), self._engine.begin() as conn:
            ticket, visit = self._called_visit(conn, ticket_number, counter_id, now)
            _set_visit(conn, visit, status=VisitStatus.WAITING, called_at=now)
            _log(conn, ticket.id, visit.position, EventKind.SKIPPED, now, counter_id)

    def no_show(self, ticket_number: str, counter_id: str) -> None:
        """The called citizen never came: this stop and the rest of the route are dropped.

        Later stops usually depend on this one (no health insurance without the moving-in
        notice), so the ticket is done; a citizen who turns up later takes a new ticket.
        """
        now = self._now()
        with _queue_errors("mark a no-show"), self._engine.begin() as conn:
            ticket, visit = self._called_visit(conn, ticket_number, counter_id, now)
            conn.execute(
                update(VisitRow)
                .where(VisitRow.ticket_id == ticket.id, VisitRow.position >= visit.position)
                .values(status=VisitStatus.SKIPPED, finished_at=now)
            )
            conn.execute(update(TicketRow).where(TicketRow.id == ticket.id).values(status=TicketStatus.DONE))
            _log(conn, ticket.id, visit.position, EventKind.NO_SHOW, now, counter_id)

    def serve(self, ticket_number: str, counter_id: str) -> None:
        """This counter finished the called ticket's procedures.

        If the route has further stops the next one becomes current (as with pass_on,
        recorded as 'served'); after the last stop the ticket is done.
        """
        self._finish(ticket_number, counter_id, EventKind.SERVED)

    def pass_on(self, ticket_number: str, counter_id: str) -> None:
        """Finished here; the ticket now waits at its next stop, keeping its issue time."""
        self._finish(ticket_number, counter_id, EventKind.PASSED_ON)

    def cancel(self, ticket_number: str) -> None:
        """Withdraw an open ticket: its unfinished visits are cancelled."""
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        with _queue_errors("cancel a ticket"), self._engine.begin() as conn:
            ticket = _ticket(conn, day, ticket_number)
            _require(ticket.status == TicketStatus.OPEN, f"ticket {ticket_number} is {ticket.status}")
            conn.execute(
                update(VisitRow)
                .where(
                    VisitRow.ticket_id == ticket.id,
                    VisitRow.status.not_in([str(status) for status in VISIT_DONE]),
                )
                .values(status=VisitStatus.CANCELLED, finished_at=now)
            )
            conn.execute(
                update(TicketRow).where(TicketRow.id == ticket.id).values(status=TicketStatus.CANCELLED)
            )
            _log(conn, ticket.id, None, EventKind.CANCELLED, now, None)

    def board_snapshot(self, recent: int = 10) -> BoardSnapshot:
        """Now serving per counter, the last ``recent`` calls, waits: one read for the board."""
        if recent < 0:
            raise ValueError("recent must be 0 or more")
        now = self._now()
        day = business_day(now, self._starts_hour, self._zone)
        with _queue_errors("read the board"), self._reader.begin() as conn:
            open_by_id = {row.id: row.is_open for row in conn.execute(select(CounterRow.id, CounterRow.is_open))}
            serving_rows = conn.execute(
                select(VisitRow.counter_id, TicketRow.number)
                .join(TicketRow, TicketRow.id == VisitRow.ticket_id)
                .where(
                    TicketRow.business_day == day,
                    TicketRow.status == TicketStatus.OPEN,
                    VisitRow.status == VisitStatus.CALLED,
                )
                .order_by(VisitRow.called_at, TicketRow.id)
            ).all()
            recent_rows = conn.execute(
                select(
                    EventRow.at,
                    VisitRow.counter_id,
                    VisitRow.position,
                    VisitRow.procedures,
                    TicketRow.number,
                    TicketRow.language,
                    TicketRow.priority,
                )
                .join(TicketRow, TicketRow.id == EventRow.ticket_id)
                .join(
                    VisitRow,
                    (VisitRow.ticket_id == EventRow.ticket_id) & (VisitRow.position == EventRow.position),
                )
                .where(
                    TicketRow.business_day == day,
                    EventRow.kind.in_([str(kind) for kind in CALL_EVENTS]),
                )
                .order_by(EventRow.at.desc(), EventRow.id.desc())
                .limit(recent)
            ).all()
            queues = _waiting_visits(conn, day)
            times = self._service_times(conn, now)
        serving: dict[str, list[str]] = {}
        for counter_id, number in serving_rows:
            serving.setdefault(counter_id, []).append(number)
        waits = {wait.counter_id: wait for wait in counter_waits(self._config, queues, times)}
        return BoardSnapshot(
            counters=tuple(
                CounterBoard(
                    counter_id=counter.id,
                    counter_number=counter.number,
                    is_open=bool(open_by_id.get(counter.id, False)),
                    serving=tuple(serving.get(counter.id, ())),
                    waiting=waits[counter.id].waiting,
                    estimated_wait_min=waits[counter.id].estimated_wait_min,
                )
                for counter in self._config.counters
            ),
            recent_calls=tuple(
                self._called_ticket(
                    row.number, row.counter_id, row.position, row.procedures, row.language, row.at, row.priority
                )
                for row in recent_rows
            ),
            at=int(now.timestamp()),
        )

    def service_times(self) -> ServiceTimes:
        """Expected minutes per procedure, learned from the recent event log (for the bench)."""
        with _queue_errors("learn service times"), self._reader.begin() as conn:
            return self._service_times(conn, self._now(), cached=False)

    def _finish(self, ticket_number: str, counter_id: str, kind: EventKind) -> None:
        now = self._now()
        with _queue_errors(f"record '{kind}'"), self._engine.begin() as conn:
            ticket, visit = self._called_visit(conn, ticket_number, counter_id, now)
            following = conn.scalar(
                select(VisitRow.position).where(
                    VisitRow.ticket_id == ticket.id, VisitRow.position == visit.position + 1
                )
            )
            if kind == EventKind.PASSED_ON and following is None:
                raise QueueError(
                    QueueErrorCode.NO_NEXT_STOP,
                    f"ticket {ticket_number} has no stop after {counter_id!r}; use serve",
                )
            status = VisitStatus.PASSED if kind == EventKind.PASSED_ON else VisitStatus.SERVED
            _set_visit(conn, visit, status=status, finished_at=now)
            if following is None:
                conn.execute(
                    update(TicketRow).where(TicketRow.id == ticket.id).values(status=TicketStatus.DONE)
                )
            else:
                conn.execute(
                    update(VisitRow)
                    .where(VisitRow.ticket_id == ticket.id, VisitRow.position == following)
                    .values(queued_at=now)
                )
            _log(conn, ticket.id, visit.position, kind, now, counter_id)
        self._times = None  # a new sample: learn again on the next estimate

    def _called_visit(
        self, conn: Connection, ticket_number: str, counter_id: str, now: datetime
    ) -> tuple[Any, Any]:
        """Today's ticket and its visit that is called at this counter, or a QueueError."""
        _counter(conn, counter_id)
        ticket = _ticket(conn, business_day(now, self._starts_hour, self._zone), ticket_number)
        visit = conn.execute(
            select(VisitRow.ticket_id, VisitRow.position, VisitRow.procedures).where(
                VisitRow.ticket_id == ticket.id,
                VisitRow.counter_id == counter_id,
                VisitRow.status == VisitStatus.CALLED,
            )
        ).first()
        _require(
            ticket.status == TicketStatus.OPEN and visit is not None,
            f"ticket {ticket_number} is not called at counter {counter_id!r}",
        )
        return ticket, visit

    def _set_open(self, counter_id: str, is_open: bool) -> None:
        with _queue_errors("open or close a counter"), self._engine.begin() as conn:
            _counter(conn, counter_id)
            conn.execute(update(CounterRow).where(CounterRow.id == counter_id).values(is_open=is_open))
            _announce_change(conn)

    def _counter_number(self, counter_id: str) -> int:
        for counter in self._config.counters:
            if counter.id == counter_id:
                return counter.number
        return 0  # a counter removed from the config since; the board shows no number

    def _service_times(self, conn: Connection, now: datetime, cached: bool = True) -> ServiceTimes:
        """Learned service times, re-read at most every SERVICE_TIMES_TTL (other PCs serve too)."""
        memo = self._times
        if cached and memo is not None and timedelta(0) <= now - memo[0] < SERVICE_TIMES_TTL:
            return memo[1]
        rows = conn.execute(
            select(
                EventRow.ticket_id,
                EventRow.position,
                EventRow.kind,
                EventRow.at,
                VisitRow.counter_id,
                VisitRow.procedures,
            )
            .join(
                VisitRow,
                (VisitRow.ticket_id == EventRow.ticket_id) & (VisitRow.position == EventRow.position),
            )
            .where(
                EventRow.kind.in_([str(kind) for kind in CALL_EVENTS | FINISH_EVENTS]),
                EventRow.at >= now - timedelta(days=LEARNING_WINDOW_DAYS),
            )
        ).all()
        times = learn_service_times(
            service_samples(
                VisitEvent(row.ticket_id, row.position, EventKind(row.kind), row.at,
                           row.counter_id, split_procedures(row.procedures))
                for row in rows
            )
        )
        self._times = (now, times)
        return times

    def _now(self) -> datetime:
        now = self._clock.now()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the queue clock must return timezone-aware datetimes")
        return now.astimezone(UTC)


def _allocate_seq(conn: Connection, service_id: str, day: date) -> int:
    """The next number of a service's series for a business day, in one statement.

    The race this prevents: two kiosks that each SELECT last_seq, add one and write it
    back can both read 16 and both print "A-017". INSERT … ON CONFLICT DO UPDATE SET
    last_seq = last_seq + 1 … RETURNING does the read and the increment as one statement
    under the row lock (PostgreSQL) or the database write lock (SQLite), so every caller
    gets its own number, and the first ticket of a new business day inserts the row
    with 1. UNIQUE(service_id, business_day, seq) on tickets is the safety net: if this
    row were ever reset, the duplicate insert fails and ticketing pauses instead of two
    citizens holding the same number.
    """
    stmt = _upsert(
        conn,
        NumberCounterRow,
        {"service_id": service_id, "business_day": day, "last_seq": 1},
        keys=("service_id", "business_day"),
        set_={"last_seq": NumberCounterRow.last_seq + 1},
    ).returning(NumberCounterRow.last_seq)
    seq = conn.scalar(stmt)
    if seq is None:  # pragma: no cover - RETURNING always yields the row
        raise QueueUnavailableError(PortError.QUEUE_UNAVAILABLE, "number allocation returned nothing")
    return int(seq)


def _unfinished_before() -> Any:
    """EXISTS an earlier visit of the same ticket that is not done (so this one is not current)."""
    earlier = aliased(VisitRow)
    return (
        select(earlier.ticket_id)
        .where(
            earlier.ticket_id == VisitRow.ticket_id,
            earlier.position < VisitRow.position,
            earlier.status.not_in([str(status) for status in VISIT_DONE]),
        )
        .exists()
    )


def _waiting_visits(
    conn: Connection, day: date, exclude_ticket: int | None = None
) -> dict[str, list[tuple[str, ...]]]:
    """Procedures of each visit waiting per counter: today's open tickets, current visits."""
    stmt = (
        select(VisitRow.counter_id, VisitRow.procedures)
        .join(TicketRow, TicketRow.id == VisitRow.ticket_id)
        .where(
            TicketRow.business_day == day,
            TicketRow.status == TicketStatus.OPEN,
            VisitRow.status == VisitStatus.WAITING,
            ~_unfinished_before(),
        )
    )
    if exclude_ticket is not None:
        stmt = stmt.where(VisitRow.ticket_id != exclude_ticket)
    queues: dict[str, list[tuple[str, ...]]] = {}
    for counter_id, procedures in conn.execute(stmt):
        queues.setdefault(counter_id, []).append(split_procedures(procedures))
    return queues


def _counter(conn: Connection, counter_id: str) -> Any:
    """The active counter row, or QueueError UNKNOWN_COUNTER."""
    row = conn.execute(
        select(CounterRow.id, CounterRow.number, CounterRow.is_open).where(
            CounterRow.id == counter_id, CounterRow.active
        )
    ).first()
    if row is None:
        raise QueueError(QueueErrorCode.UNKNOWN_COUNTER, f"counter {counter_id!r} is not in the site")
    return row


def _ticket(conn: Connection, day: date, number: str) -> Any:
    """Today's ticket with this number, locked until commit on PostgreSQL; or UNKNOWN_TICKET.

    The lock serialises staff operations on one ticket (two desks pressing "served" at
    once); SQLite's write transaction is exclusive anyway and the clause is omitted there.
    """
    row = conn.execute(
        select(TicketRow.id, TicketRow.number, TicketRow.language, TicketRow.priority, TicketRow.status)
        .where(TicketRow.business_day == day, TicketRow.number == number)
        .with_for_update(of=TicketRow)
    ).first()
    if row is None:
        raise QueueError(QueueErrorCode.UNKNOWN_TICKET, f"no ticket {number!r} today")
    return row


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise QueueError(QueueErrorCode.INVALID_TRANSITION, message)


def _set_visit(conn: Connection, visit: Any, **values: Any) -> None:
    conn.execute(
        update(VisitRow)
        .where(VisitRow.ticket_id == visit.ticket_id, VisitRow.position == visit.position)
        .values(**values)
    )


def _announce_change(conn: Connection) -> None:
    """NOTIFY listeners (boards, counter screens) that the queue changed, on PostgreSQL.

    NOTIFY is transactional: it reaches listeners when this transaction commits and never
    if it rolls back; several in one transaction arrive as one. SQLite has no push, and
    its readers poll.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_notify(CHANGES_CHANNEL, "")))


def _log(
    conn: Connection,
    ticket_id: int,
    position: int | None,
    kind: EventKind,
    at: datetime,
    counter_id: str | None,
) -> None:
    conn.execute(
        insert(EventRow).values(
            ticket_id=ticket_id, position=position, kind=kind, at=at, counter_id=counter_id
        )
    )
    _announce_change(conn)
