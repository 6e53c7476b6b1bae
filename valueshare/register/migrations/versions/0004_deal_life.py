"""The deal's life: its status, sign-offs and comments, as events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

One table of events, each with its deal, kind (a status change, an approver's sign-off of a version, or a comment on
a version), who and when. A deal with no status event is a draft, so every deal saved before this revision reads
as a draft and nothing needs filling in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_deal_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("register_deals.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("status", sa.String(20)),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.CheckConstraint("kind IN ('status', 'sign_off', 'comment')", name="register_deal_events_known_kind"),
    )
    op.create_index("register_deal_events_deal", "register_deal_events", ["deal_id"])


def downgrade() -> None:
    op.drop_index("register_deal_events_deal", table_name="register_deal_events")
    op.drop_table("register_deal_events")
