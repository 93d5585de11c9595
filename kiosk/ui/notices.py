"""The messages the controller shows on the ticket and review screens, as msgids.

One place for them, so screens can tell a problem (shown in red) from good news without
comparing strings scattered through the code.
"""

from __future__ import annotations

from kiosk.core.i18n import N_

PRINTED = N_("Please take your ticket from the printer.")
PRINTING = N_("Printing your ticket…")
NO_PRINTER = N_("Please show this screen at the counter. Staff will scan the code from it.")
PRINTER_FAILED = N_(
    "The printer is not working. Please show this screen to a staff member; your ticket is valid."
)
QUEUE_PAUSED = N_("Ticketing is paused. Please ask staff.")
POSTAL_UNKNOWN = N_("We could not find this postal code. Please check the 7 digits.")

PROBLEMS = frozenset({PRINTER_FAILED, QUEUE_PAUSED})
