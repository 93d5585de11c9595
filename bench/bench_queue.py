"""Queue figures: ticket issuance throughput, and how good the wait estimates are on an April day.

Run: ``.venv/bin/python bench/bench_queue.py [--postgres URL] [--seed N] [--tickets N]``
(PostgreSQL from ``--postgres`` or KIOSK_TEST_POSTGRES_URL, which ``bash scripts/test.sh``
exports while its private server runs; without either the PostgreSQL lines say so and skip).

1. Issuance throughput (tickets/s) of ``SqlQueueService.issue_ticket`` on PostgreSQL (a
   temporary database, created and dropped here) and on a SQLite WAL file, with 1 and with
   4 concurrent processes, all in the same run. Every run issues the same total into an
   empty day with no staff calling, so the queue grows from 0 to that total (issuing
   counts the people ahead, so the cost per ticket grows with the queue).
2. A simulated April day on ``FakeQueueService`` with a simulated clock. The model:
   * Opening hours 08:30–17:15 (Asia/Tokyo), Wednesday 2026-04-01, moving season.
     Arrivals are Poisson with a rate per hour (tickets/hour) of
     08h 30, 09h 55, 10h 65, 11h 60, 12h 30 (lunch dip: fewer citizens and, below,
     fewer clerks), 13h 55, 14h 60, 15h 50, 16h 35, 17h 15 (about 430 tickets).
   * 40 % are family bundles: 2–4 counters in floor order (residents, insurance,
     children, My Number), 1–4 procedures in total with at least one per counter;
     60 % are single procedures at one counter (weights: residents 45 %, My Number 25 %,
     insurance 20 %, children 10 %).
   * True service time of a procedure: lognormal, median = the counter's prior in
     ``kiosk.core.queue_rules.PRIOR_SERVICE_MINUTES`` × a per-procedure factor
     (e.g. moving in 1.3, certificate-like 0.6), sigma 0.45; a visit takes the sum of its
     procedures' times. So the priors are roughly right but not exact, as in reality.
   * Clerks per counter: residents 4, insurance 3, children 2, My Number 3; one clerk
     fewer at each counter 12:00–13:00 (lunch in shifts). A free clerk calls the next
     ticket at once; after service the ticket is served (last stop) or passed on.
   For every ticket we record the estimate printed on it and its actual wait (issue
   until its first call). Compared, in the same run and on the same tickets:
   * work-based: the service's own ``estimated_wait_min`` (expected minutes of the
     procedures ahead, learned from the event log, prior on day one);
   * naive: people ahead × the mean service time of all visits finished so far today
     (all counters and procedures pooled; the mean of the priors before the first).
   The site's config gives each counter its usual number of clerks (``clerks``), and the
   service shares the work ahead among them; a third column shows the same estimate
   with clerks ignored (× clerks), the service's behaviour before that setting existed.
It prints figures only and asserts nothing; tickets hold numbers and form ids only.
"""

from __future__ import annotations

import argparse
import heapq
import math
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.adapters.db import SqlQueueService, make_engine, sync_site, upgrade_database
from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.config import Config, load_config
from kiosk.core.queue_rules import PRIOR_SERVICE_MINUTES
from kiosk.core.ticket import RouteStop

JST = ZoneInfo("Asia/Tokyo")
ROUTE = (RouteStop("residents", 1, ("tennyu",)), RouteStop("insurance", 2, ("kokuho_kanyu",)))

# --------------------------------------------------------------------------- throughput


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def _site(data_dir: str) -> Config:
    return load_config(Path(data_dir) / "absent.toml", env={"KIOSK_DATA_DIR": data_dir})


def _issue(url: str, data_dir: str, count: int, ready, go) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    queue = SqlQueueService(engine, _site(data_dir), WallClock())
    with engine.connect():
        pass  # open the pooled connection before the clock starts
    ready.wait()
    go.wait()
    for _ in range(count):
        queue.issue_ticket("moving", ROUTE, "ja")
    engine.dispose()


def throughput(url: str, data_dir: str, processes: int, total: int) -> float:
    """Tickets per second for ``processes`` kiosks issuing ``total`` tickets into an empty day."""
    engine = make_engine(url)
    upgrade_database(engine)
    sync_site(engine, _site(data_dir))
    engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    ready, go = ctx.Barrier(processes + 1), ctx.Barrier(processes + 1)
    workers = [
        ctx.Process(target=_issue, args=(url, data_dir, total // processes, ready, go))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    ready.wait()
    go.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if any(worker.exitcode != 0 for worker in workers):
        raise RuntimeError("an issuing process failed")
    return (total // processes) * processes / elapsed


def postgres_throughput(base: str, data_dir: str, processes: int, total: int) -> float:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"kiosk_bench_{uuid.uuid4().hex[:12]}"
    admin = {"host": url.host, "port": url.port, "user": url.username, "password": url.password, "dbname": url.database}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return throughput(url.set(database=name).render_as_string(hide_password=False), data_dir, processes, total)
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- April day

OPEN_AT, CLOSE_AT = (8, 30), (17, 15)
ARRIVALS_PER_HOUR = {8: 30, 9: 55, 10: 65, 11: 60, 12: 30, 13: 55, 14: 60, 15: 50, 16: 35, 17: 15}
FLOOR = ("residents", "insurance", "children", "mynumber")
COUNTER_NUMBER = {counter: index + 1 for index, counter in enumerate(FLOOR)}
CLERKS = {"residents": 4, "insurance": 3, "children": 2, "mynumber": 3}
SINGLE_WEIGHTS = {"residents": 45, "mynumber": 25, "insurance": 20, "children": 10}
BUNDLE_SHARE = 0.40
SIGMA = 0.45
# Procedures per counter with their factor on the counter's prior (median true time).
PROCEDURES = {
    "residents": {"tennyu": 1.3, "tenshutsu": 0.9, "tenkyo": 0.8, "juminhyo": 0.6},
    "insurance": {"kokuho_kanyu": 1.1, "kokuho_dattai": 0.8},
    "children": {"jido_teate": 1.2, "kodomo_iryohi": 0.7},
    "mynumber": {"mynumber_address": 0.9, "mynumber_card": 1.4},
}


class SimClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def _arrivals(rng: random.Random, day: datetime) -> list[datetime]:
    """Poisson arrivals over opening hours with the hourly rates above."""
    at = day.replace(hour=OPEN_AT[0], minute=OPEN_AT[1])
    close = day.replace(hour=CLOSE_AT[0], minute=CLOSE_AT[1])
    times = []
    while True:
        # Thinning-free: the rate is piecewise constant, so step by the current hour's rate.
        at += timedelta(minutes=rng.expovariate(ARRIVALS_PER_HOUR[at.hour] / 60))
        if at >= close:
            return times
        times.append(at)


def _route(rng: random.Random) -> tuple[RouteStop, ...]:
    if rng.random() < BUNDLE_SHARE:
        counters = sorted(rng.sample(FLOOR, rng.randint(2, 4)), key=FLOOR.index)
        extra = rng.randint(0, 4 - len(counters))
        per_counter = {counter: 1 for counter in counters}
        for _ in range(extra):
            per_counter[rng.choice(counters)] += 1
    else:
        counter = rng.choices(list(SINGLE_WEIGHTS), weights=list(SINGLE_WEIGHTS.values()))[0]
        per_counter = {counter: 1}
    stops = []
    for counter, count in per_counter.items():
        names = list(PROCEDURES[counter])
        procedures = tuple(rng.sample(names, min(count, len(names))))
        stops.append(RouteStop(counter, COUNTER_NUMBER[counter], procedures))
    return tuple(stops)


def _service_minutes(rng: random.Random, stop: RouteStop) -> float:
    prior = PRIOR_SERVICE_MINUTES[stop.counter_id]
    return sum(
        rng.lognormvariate(math.log(prior * PROCEDURES[stop.counter_id][p]), SIGMA)
        for p in stop.procedures
    )


def _clerks(counter: str, at: datetime) -> int:
    return CLERKS[counter] - (1 if at.astimezone(JST).hour == 12 else 0)


def april_day(config: Config, seed: int) -> list[tuple[int, float, float, float, float]]:
    """Simulate the day; per ticket: (hour, actual wait, work est., naive est., work÷clerks)."""
    rng = random.Random(seed)
    day = datetime(2026, 4, 1, tzinfo=JST)
    clock = SimClock(day.replace(hour=8))
    queue = FakeQueueService(config, clock)
    arrivals = _arrivals(rng, day)
    # Event heap: (time, order, kind, payload). Finishes before arrivals at the same instant.
    heap: list[tuple[datetime, int, str, object]] = []
    order = 0
    for at in arrivals:
        heap.append((at, order, "arrive", None))
        order += 1
    heapq.heapify(heap)
    busy: dict[str, int] = defaultdict(int)
    routes: dict[str, tuple[RouteStop, ...]] = {}
    records: dict[str, list] = {}
    finished_minutes: list[float] = []
    prior_mean = statistics.fmean(PRIOR_SERVICE_MINUTES[c] for c in FLOOR)

    def call(counter: str) -> None:
        nonlocal order
        while busy[counter] < _clerks(counter, clock.at):
            called = queue.call_next(counter)
            if called is None:
                return
            busy[counter] += 1
            record = records[called.number]
            if called.position == 0 and record[1] is None:
                record[1] = (clock.at - record[0]).total_seconds() / 60
            minutes = _service_minutes(rng, routes[called.number][called.position])
            heapq.heappush(heap, (clock.at + timedelta(minutes=minutes), order, "finish", (called, minutes)))
            order += 1

    while heap:
        at, _, kind, payload = heapq.heappop(heap)
        clock.at = at
        if kind == "arrive":
            route = _route(rng)
            ticket = queue.issue_ticket("moving", route, "ja")
            routes[ticket.number] = route
            naive = ticket.people_ahead * (statistics.fmean(finished_minutes) if finished_minutes else prior_mean)
            ignoring_clerks = ticket.estimated_wait_min * config.counter(route[0].counter_id).clerks
            records[ticket.number] = [at, None, ticket.estimated_wait_min, naive, ignoring_clerks]
            call(route[0].counter_id)
        else:
            called, minutes = payload  # type: ignore[misc]
            counter = called.counter_id
            busy[counter] -= 1
            finished_minutes.append(minutes)
            stops = routes[called.number]
            if called.position + 1 < len(stops):
                queue.pass_on(called.number, counter)
                call(stops[called.position + 1].counter_id)
            else:
                queue.serve(called.number, counter)
            call(counter)
    return [
        (issued.astimezone(JST).hour, wait, work, naive, per_clerk)
        for issued, wait, work, naive, per_clerk in records.values()
        if wait is not None
    ]


def _mae(rows: list, column: int) -> float:
    return statistics.fmean(abs(row[column] - row[1]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    parser.add_argument("--tickets", type=int, default=400, help="tickets per throughput run")
    parser.add_argument("--seed", type=int, default=20260401)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as data_dir:
        print(f"(a) issuance throughput, {args.tickets} tickets into an empty day, no staff calling")
        for processes in (1, 4):
            if args.postgres:
                rate = postgres_throughput(args.postgres, data_dir, processes, args.tickets)
                print(f"    PostgreSQL  {processes} process(es): {rate:7.1f} tickets/s")
            else:
                print(f"    PostgreSQL  {processes} process(es): skipped (no --postgres URL and no KIOSK_TEST_POSTGRES_URL)")
            path = Path(data_dir) / f"bench-{processes}.sqlite3"
            rate = throughput(f"sqlite:///{path.as_posix()}", data_dir, processes, args.tickets)
            print(f"    SQLite WAL  {processes} process(es): {rate:7.1f} tickets/s")

        # The site tells the kiosk how many clerks usually staff each counter.
        site = _site(data_dir)
        config = replace(site, counters=tuple(replace(c, clerks=CLERKS[c.id]) for c in site.counters))
        rows = april_day(config, args.seed)
        print(f"\n(b) simulated April day (seed {args.seed}): {len(rows)} tickets called; "
              "mean absolute error of the estimate against the actual wait, minutes")
        print(f"    {'hour':>5} {'tickets':>7} {'mean wait':>9} {'work-based':>10} {'naive':>8} {'no clerks':>11}")
        by_hour: dict[int, list] = defaultdict(list)
        for row in rows:
            by_hour[row[0]].append(row)
        for hour in sorted(by_hour):
            part = by_hour[hour]
            print(f"    {hour:>4}h {len(part):>7} {statistics.fmean(r[1] for r in part):>9.1f} "
                  f"{_mae(part, 2):>10.1f} {_mae(part, 3):>8.1f} {_mae(part, 4):>11.1f}")
        print(f"    {'all':>5} {len(rows):>7} {statistics.fmean(r[1] for r in rows):>9.1f} "
              f"{_mae(rows, 2):>10.1f} {_mae(rows, 3):>8.1f} {_mae(rows, 4):>11.1f}")


if __name__ == "__main__":
    main()
