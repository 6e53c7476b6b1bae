"""A tamper-evident audit chain over each deal's versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Each version gets ``chain``: SHA-256 over the previous version's chain value ('' for version 1) and this version's
whole record (deal, number, author, time, note, text format, text checksum, names, restored version, headline
figures). A record changed afterwards, even with its checksum recomputed, no longer matches the chain.

This revision computes the chain of every version already in the register, from what is stored now, deal by deal
and oldest version first. The formula is copied here (``_link``) rather than imported, so that this revision does
the same thing whatever later releases change; it is the one ``valueshare.register.records.chain_link`` uses, and
the migration tests check that an upgraded register verifies clean. Revision 0002's trigger that refuses any
change to a version is lifted for the backfill, in the same transaction, and put back at once.
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEME = "valueshare-chain-1"
REFUSE = "valueshare register - the register keeps every record, so this change is refused"
FOLLOW = "valueshare register - a new version must take the number its deal head was moved to"
SQLITE_VERSION_TRIGGERS = {
    "register_versions_no_update": f"BEFORE UPDATE ON register_versions BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END",
    "register_versions_no_delete": f"BEFORE DELETE ON register_versions BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END",
    "register_versions_follow_head": (
        "BEFORE INSERT ON register_versions WHEN NEW.number IS NOT "
        f"(SELECT head FROM register_deals WHERE id = NEW.deal_id) BEGIN SELECT RAISE(ABORT, '{FOLLOW}'); END"),
}
POSTGRES_GUARD = "register_versions_no_change"


def _figure(value):
    return None if value is None else repr(float(value) + 0.0)


def _link(previous, key, row):
    saved_at = row.saved_at
    saved_at = saved_at.replace(tzinfo=UTC) if saved_at.tzinfo is None else saved_at.astimezone(UTC)
    record = [SCHEME, key, row.number, row.author, saved_at.isoformat(timespec="microseconds"), row.note,
              row.content_format, row.sha256, row.deal_name or key, row.nhs_name or "", row.partner_name or "",
              row.restored_from,
              *(_figure(v) for v in (row.nhs_npv_gbp, row.partner_npv_gbp, row.partner_irr, row.cost_recovery_ratio,
                                     row.nhs_share, row.launch_probability))]
    text = previous + "\n" + json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.add_column("register_versions", sa.Column("chain", sa.String(64), nullable=False, server_default=""))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE register_versions DISABLE TRIGGER {POSTGRES_GUARD}")
    elif bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER register_versions_no_update")

    deals = sa.table("register_deals", sa.column("id", sa.Integer), sa.column("key", sa.String))
    versions = sa.table(
        "register_versions", sa.column("id", sa.Integer), sa.column("deal_id", sa.Integer),
        sa.column("number", sa.Integer), sa.column("author", sa.String),
        sa.column("saved_at", sa.DateTime(timezone=True)), sa.column("note", sa.Text),
        sa.column("content_format", sa.String), sa.column("sha256", sa.String), sa.column("deal_name", sa.String),
        sa.column("nhs_name", sa.String), sa.column("partner_name", sa.String),
        sa.column("restored_from", sa.Integer), sa.column("nhs_npv_gbp", sa.Float),
        sa.column("partner_npv_gbp", sa.Float), sa.column("partner_irr", sa.Float),
        sa.column("cost_recovery_ratio", sa.Float), sa.column("nhs_share", sa.Float),
        sa.column("launch_probability", sa.Float), sa.column("chain", sa.String))
    rows = bind.execute(sa.select(deals.c.key, *[c for c in versions.c if c.name != "chain"])
                        .join(deals, deals.c.id == versions.c.deal_id)
                        .order_by(versions.c.deal_id, versions.c.number)).all()
    previous, deal = "", None
    for row in rows:
        if row.deal_id != deal:
            previous, deal = "", row.deal_id
        previous = _link(previous, row.key, row)
        bind.execute(versions.update().where(versions.c.id == row.id).values(chain=previous))

    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE register_versions ENABLE TRIGGER {POSTGRES_GUARD}")
    elif bind.dialect.name == "sqlite":
        name = "register_versions_no_update"
        op.execute(f"CREATE TRIGGER {name} {SQLITE_VERSION_TRIGGERS[name]}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Dropping a column rebuilds the table on SQLite, which would take its triggers with it.
        for name in SQLITE_VERSION_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        with op.batch_alter_table("register_versions") as batch:
            batch.drop_column("chain")
        for name, spec in SQLITE_VERSION_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {spec}")
    else:
        op.drop_column("register_versions", "chain")
