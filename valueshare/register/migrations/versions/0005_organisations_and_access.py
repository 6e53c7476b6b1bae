"""Organisations, their members and roles, and which organisations may see each deal.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

A register with no organisation is open, as every register was before this revision: the embedded default, one
local user with no sign-in, sees and changes every deal. Once an organisation is added, each deal belongs to an
organisation and is seen only as its grants allow. Deals saved before the first organisation belong to none and are
seen only by the register's administrators until one is given them (``share``). Every change is an access event.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_organisations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(80), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.CheckConstraint("kind IN ('nhs', 'partner', 'adviser')", name="register_organisations_known_kind"),
    )
    op.create_table(
        "register_memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("register_organisations.id", ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.UniqueConstraint("org_id", "person", name="register_memberships_one_per_person"),
        sa.CheckConstraint("role IN ('member', 'approver', 'admin')", name="register_memberships_known_role"),
    )
    op.create_table(
        "register_grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("register_deals.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("register_organisations.id", ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("access", sa.String(16), nullable=False),
        sa.UniqueConstraint("deal_id", "org_id", name="register_grants_one_per_organisation"),
        sa.CheckConstraint("access IN ('owner', 'adviser', 'partner')", name="register_grants_known_access"),
    )
    op.create_table(
        "register_access_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("register_access_events", "register_grants", "register_memberships", "register_organisations"):
        op.drop_table(table)
