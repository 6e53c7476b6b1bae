"""The first register: deals, and their numbered versions with text and headline figures.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

One version number per deal is a unique constraint, so two saves can never share a number whatever the program
does; ``register_deals.head`` is the optimistic lock a save moves from its base to base + 1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_deals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(80), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("head", sa.Integer, nullable=False),
        sa.CheckConstraint("head >= 1", name="register_deals_head_positive"),
    )
    op.create_table(
        "register_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("register_deals.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("content_format", sa.String(8), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("nhs_npv_gbp", sa.Float, nullable=False),
        sa.Column("partner_npv_gbp", sa.Float, nullable=False),
        sa.Column("partner_irr", sa.Float),
        sa.Column("cost_recovery_ratio", sa.Float),
        sa.Column("nhs_share", sa.Float),
        sa.Column("launch_probability", sa.Float),
        sa.UniqueConstraint("deal_id", "number", name="register_versions_one_number_per_deal"),
        sa.CheckConstraint("number >= 1", name="register_versions_number_positive"),
        sa.CheckConstraint("content_format IN ('yaml', 'json')", name="register_versions_known_format"),
    )


def downgrade() -> None:
    op.drop_table("register_versions")
    op.drop_table("register_deals")
