"""The register's tables at the newest schema revision, for queries. The migrations in ``migrations/versions`` are
what build them; a test checks that upgrading to head gives exactly these tables.

Table names start with ``register_`` and the Alembic version table is ``valueshare_register_version``, so a team's
PostgreSQL database can hold the register beside other applications' tables.
"""

from __future__ import annotations

import sqlalchemy as sa

VERSION_TABLE = "valueshare_register_version"

metadata = sa.MetaData()

deals = sa.Table(
    "register_deals", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(80), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # The number of the latest version: the optimistic lock. A save sets it to base + 1 only where it is still base.
    sa.Column("head", sa.Integer, nullable=False),
    sa.CheckConstraint("head >= 1", name="register_deals_head_positive"),
)

versions = sa.Table(
    "register_versions", metadata,
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
    # Added by revision 0002 (search and restore); filled in from the text for versions saved before it.
    sa.Column("deal_name", sa.String(200)),
    sa.Column("nhs_name", sa.String(200)),
    sa.Column("partner_name", sa.String(200)),
    sa.Column("restored_from", sa.Integer),
    sa.Column("search_text", sa.Text),   # key, name, NHS body and partner, lower-cased by Python
    # Added by revision 0003: the version's value in its deal's audit chain (records.chain_link), computed by that
    # revision for versions saved before it.
    sa.Column("chain", sa.String(64), nullable=False, server_default=""),
    sa.UniqueConstraint("deal_id", "number", name="register_versions_one_number_per_deal"),
    sa.CheckConstraint("number >= 1", name="register_versions_number_positive"),
    sa.CheckConstraint("content_format IN ('yaml', 'json')", name="register_versions_known_format"),
    sa.Index("register_versions_deal_name", "deal_name"),
)

archive_events = sa.Table(
    "register_archive_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("deal_id", sa.Integer, sa.ForeignKey("register_deals.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("archived", sa.Boolean, nullable=False),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

deal_events = sa.Table(
    "register_deal_events", metadata,
    # Added by revision 0004 (the deal's life): status changes, sign-offs and comments, never changed or deleted.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("deal_id", sa.Integer, sa.ForeignKey("register_deals.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer),
    sa.Column("status", sa.String(20)),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.CheckConstraint("kind IN ('status', 'sign_off', 'comment')", name="register_deal_events_known_kind"),
    sa.Index("register_deal_events_deal", "deal_id"),
)

# Added by revision 0005 (organisations and access).
organisations = sa.Table(
    "register_organisations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(80), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.CheckConstraint("kind IN ('nhs', 'partner', 'adviser')", name="register_organisations_known_kind"),
)

memberships = sa.Table(
    "register_memberships", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("register_organisations.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("person", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.UniqueConstraint("org_id", "person", name="register_memberships_one_per_person"),
    sa.CheckConstraint("role IN ('member', 'approver', 'admin')", name="register_memberships_known_role"),
)

grants = sa.Table(
    "register_grants", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("deal_id", sa.Integer, sa.ForeignKey("register_deals.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("register_organisations.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("access", sa.String(16), nullable=False),
    sa.UniqueConstraint("deal_id", "org_id", name="register_grants_one_per_organisation"),
    sa.CheckConstraint("access IN ('owner', 'adviser', 'partner')", name="register_grants_known_access"),
)

access_events = sa.Table(
    "register_access_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

# Added by revision 0006: each version's outline for the portfolio (``valueshare.register.outline``), derived from
# its text when saved; a version saved before the revision has none.
version_outlines = sa.Table(
    "register_version_outlines", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("register_versions.id", ondelete="RESTRICT"), primary_key=True),
    sa.Column("outline", sa.Text, nullable=False),
)
