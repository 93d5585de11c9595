"""The queue database: SQLAlchemy models, Alembic upgrades and the SQL queue service.

One SQLite file on a standalone kiosk PC, or one PostgreSQL server (psycopg 3) shared by
every kiosk, counter and board on a closed LAN. This is the only module that knows the
dialect: engines, SQLite pragmas, the atomic upsert that allocates ticket numbers.
It also holds the queue rules the in-memory ``FakeQueueService`` must share (business
day, number format, visit statuses, wait priors). The tables hold numbers, routes,
times, language tags and procedure (form) ids only: never a name, an address, a birth
date or an answer, and nothing here may log one. Callers get frozen dataclasses from
``kiosk.core`` and the errors of ``kiosk.core.ports``, never ORM objects or driver
exceptions.
"""

from __future__ import annotations

import enum
import math
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
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column
from sqlalchemy.types import TypeDecorator

from kiosk.config import ALL_LANGUAGES, Config, ConfigError
from kiosk.core.ports import Clock, CounterWait, PortError, QueueUnavailableError
from kiosk.core.ticket import RouteStop, Ticket

#: Local timezone of the business day. The site config has no timezone setting yet, so
#: callers pass one explicitly when a site is not in Japan.
DEFAULT_TIMEZONE = "Asia/Tokyo"

#: Prior service time per counter, in minutes, used for "people waiting × minutes".
#: Rough figures for a 市民課 floor (moving-in at the residents' counter takes longest;
#: My Number card work includes identity checks). The later queue issue replaces them
#: with times learned from ticket_events; until then they are honest round numbers.
PRIOR_SERVICE_MINUTES: Mapping[str, int] = {
    "residents": 8,
    "insurance": 6,
    "children": 5,
    "mynumber": 7,
}
#: Prior for a counter a site adds that the table above does not know.
DEFAULT_SERVICE_MINUTES = 6

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


class TicketStatus(enum.StrEnum):
    """The ticket as a whole."""

    OPEN = "open"  # some visit on its route is not finished yet
    DONE = "done"  # every visit is served, passed or skipped
    CANCELLED = "cancelled"  # withdrawn; its remaining visits are cancelled too


class VisitStatus(enum.StrEnum):
    """One stop of a ticket's route. A visit is *current* when every earlier one is done."""

    WAITING = "waiting"  # queued here (if current) or further down the route
    CALLED = "called"  # staff called the number; the citizen is at this counter
    SERVED = "served"  # this counter finished its procedures
    PASSED = "passed"  # this counter handed the ticket on to the next stop
    SKIPPED = "skipped"  # the stop was dropped (not needed, or a no-show not recalled)
    CANCELLED = "cancelled"  # the ticket was withdrawn before this stop


#: Visits after which the next stop on the route becomes current.
VISIT_DONE = frozenset({VisitStatus.SERVED, VisitStatus.PASSED, VisitStatus.SKIPPED})


class EventKind(enum.StrEnum):
    """What happened to a ticket; the log from which statistics and wait times are learned."""

    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    SKIPPED = "skipped"
    NO_SHOW = "no_show"
    SERVED = "served"
    PASSED_ON = "passed_on"
    CANCELLED = "cancelled"


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


def estimate_wait_min(counter_id: str, people_waiting: int) -> int:
    """People waiting × the counter's prior service time, in whole minutes."""
    minutes = PRIOR_SERVICE_MINUTES.get(counter_id, DEFAULT_SERVICE_MINUTES)
    return math.ceil(people_waiting * minutes)


def counter_waits(config: Config, waiting: Mapping[str, int]) -> list[CounterWait]:
    """One entry per configured counter, in config order, with people waiting and the estimate."""
    return [
        CounterWait(counter.id, people, estimate_wait_min(counter.id, people))
        for counter in config.counters
        for people in (waiting.get(counter.id, 0),)
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
SCHEMA_HEAD = "0001"

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig


def alembic_config(url: str | None = None) -> "AlembicConfig":
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
            conn.execute(
                insert(EventRow).values(
                    ticket_id=ticket_id,
                    position=0,
                    kind=EventKind.ISSUED,
                    at=now,
                    counter_id=stops[0].counter_id,
                )
            )
            # Counted inside the same (write-locked on SQLite) transaction, so two
            # kiosks issuing at once are told different numbers of people ahead.
            ahead = _waiting_counts(conn, day, exclude_ticket=ticket_id).get(stops[0].counter_id, 0)
        return Ticket(
            number=format_number(letter, seq),
            service_id=service_id,
            issued_at=int(now.timestamp()),
            route=stops,
            people_ahead=ahead,
            estimated_wait_min=estimate_wait_min(stops[0].counter_id, ahead),
        )

    def waiting_summary(self) -> list[CounterWait]:
        day = business_day(self._now(), self._starts_hour, self._zone)
        with _queue_errors("read the waiting summary"), self._reader.begin() as conn:
            counts = _waiting_counts(conn, day)
        return counter_waits(self._config, counts)

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


def _waiting_counts(
    conn: Connection, day: date, exclude_ticket: int | None = None
) -> dict[str, int]:
    """People waiting per counter: waiting visits of today's open tickets that are current."""
    earlier = aliased(VisitRow)
    unfinished_before = (
        select(earlier.ticket_id)
        .where(
            earlier.ticket_id == VisitRow.ticket_id,
            earlier.position < VisitRow.position,
            earlier.status.not_in([str(status) for status in VISIT_DONE]),
        )
        .exists()
    )
    stmt = (
        select(VisitRow.counter_id, func.count())
        .join(TicketRow, TicketRow.id == VisitRow.ticket_id)
        .where(
            TicketRow.business_day == day,
            TicketRow.status == TicketStatus.OPEN,
            VisitRow.status == VisitStatus.WAITING,
            ~unfinished_before,
        )
        .group_by(VisitRow.counter_id)
    )
    if exclude_ticket is not None:
        stmt = stmt.where(VisitRow.ticket_id != exclude_ticket)
    return {counter_id: int(count) for counter_id, count in conn.execute(stmt)}
