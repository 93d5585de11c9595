"""counters: is_open flag for staff opening and closing their counter

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 20:40:00

A closed counter calls no one. Existing counters start open (server default), so a
database upgraded mid-day keeps calling. Queue records hold numbers, routes, times,
language tags and form ids only: a migration must never add a column for a name, an
address, a birth date or an answer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite adds the column by copying the table (db._run_migrations turns
    # foreign keys off around this so the copy does not cascade).
    with op.batch_alter_table("counters") as batch:
        batch.add_column(
            sa.Column("is_open", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("counters") as batch:
        batch.drop_column("is_open")
