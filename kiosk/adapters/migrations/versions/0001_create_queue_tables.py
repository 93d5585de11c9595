"""create queue tables

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:28:49.182806

Queue records hold numbers, routes, times, language tags and form ids only: a migration
must never add a column for a name, an address, a birth date or an answer.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counters")),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("letter", sa.String(length=4), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
    )
    op.create_table(
        "number_counters",
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_number_counters_service_id_services")
        ),
        sa.PrimaryKeyConstraint("service_id", "business_day", name=op.f("pk_number_counters")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'cancelled')", name=op.f("ck_tickets_status")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_tickets_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        # The safety net behind the atomic number allocation (see db._allocate_seq).
        sa.UniqueConstraint(
            "service_id", "business_day", "seq", name=op.f("uq_tickets_service_id_business_day_seq")
        ),
    )
    op.create_index(
        "ix_tickets_business_day_status", "tickets", ["business_day", "status"], unique=False
    )
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counter_id", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind IN ('issued', 'called', 'recalled', 'skipped', 'no_show', 'served', "
            "'passed_on', 'cancelled')",
            name=op.f("ck_ticket_events_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_ticket_events_counter_id_counters")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index(op.f("ix_ticket_events_at"), "ticket_events", ["at"], unique=False)
    op.create_index(
        op.f("ix_ticket_events_ticket_id"), "ticket_events", ["ticket_id"], unique=False
    )
    op.create_table(
        "ticket_visits",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.String(length=32), nullable=False),
        sa.Column("procedures", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'called', 'served', 'passed', 'skipped', 'cancelled')",
            name=op.f("ck_ticket_visits_status"),
        ),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_ticket_visits_counter_id_counters")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_visits_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "position", name=op.f("pk_ticket_visits")),
    )
    op.create_index(
        "ix_ticket_visits_counter_id_status",
        "ticket_visits",
        ["counter_id", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_visits_counter_id_status", table_name="ticket_visits")
    op.drop_table("ticket_visits")
    op.drop_index(op.f("ix_ticket_events_ticket_id"), table_name="ticket_events")
    op.drop_index(op.f("ix_ticket_events_at"), table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("ix_tickets_business_day_status", table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("number_counters")
    op.drop_table("services")
    op.drop_table("counters")
