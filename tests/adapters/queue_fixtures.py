"""Route stops, a hand-moved clock and a site config shared by the queue tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.ticket import RouteStop

JST = ZoneInfo("Asia/Tokyo")

RESIDENTS = RouteStop("residents", 1, ("tennyu",))
INSURANCE = RouteStop("insurance", 2, ("kokuho_kanyu",))
CHILDREN = RouteStop("children", 3, ("jido_teate",))
MYNUMBER = RouteStop("mynumber", 4, ("mynumber_address",))


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at
