"""Search, restore and archive, and guards in the database itself.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

- Each version records its deal's name, NHS body and partner, and the lower-cased text a search looks in (Python
  lower-cases it: a database's own lower() may know only A-Z), filled in here from the stored text of versions saved
  before this revision; and the version it restores, if any.
- ``register_archive_events`` records every archive and unarchive (archiving hides a deal, never drops it).
- Triggers make the history append-only whatever program writes to the database: a version or an archive event
  cannot be changed or deleted, a deal cannot be deleted, a deal's head only ever moves up by one, and a new
  version must take the number its deal's head was just moved to. Later migrations that rewrite these tables must
  drop and recreate the triggers around the rewrite.
"""

import json

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REFUSE = "valueshare register - the register keeps every record, so this change is refused"
HEAD = "valueshare register - a deal head only moves from one version to the next"
FOLLOW = "valueshare register - a new version must take the number its deal head was moved to"

SQLITE_TRIGGERS = {
    "register_versions_no_update": f"BEFORE UPDATE ON register_versions BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END",
    "register_versions_no_delete": f"BEFORE DELETE ON register_versions BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END",
    "register_versions_follow_head": (
        "BEFORE INSERT ON register_versions WHEN NEW.number IS NOT "
        f"(SELECT head FROM register_deals WHERE id = NEW.deal_id) BEGIN SELECT RAISE(ABORT, '{FOLLOW}'); END"),
    "register_deals_head_steps": (
        "BEFORE UPDATE ON register_deals WHEN NEW.head IS NOT OLD.head + 1 OR NEW.key IS NOT OLD.key "
        f"OR NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at BEGIN SELECT RAISE(ABORT, '{HEAD}'); END"),
    "register_deals_no_delete": f"BEFORE DELETE ON register_deals BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END",
    "register_archive_events_no_update": (
        f"BEFORE UPDATE ON register_archive_events BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"),
    "register_archive_events_no_delete": (
        f"BEFORE DELETE ON register_archive_events BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"),
}

POSTGRES_FUNCTIONS = {
    "register_refuse": f"BEGIN RAISE EXCEPTION '{REFUSE}'; END",
    "register_head_steps": (
        "BEGIN IF NEW.head IS DISTINCT FROM OLD.head + 1 OR NEW.key IS DISTINCT FROM OLD.key "
        "OR NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at "
        f"THEN RAISE EXCEPTION '{HEAD}'; END IF; RETURN NEW; END"),
    "register_version_follows_head": (
        "BEGIN IF NEW.number IS DISTINCT FROM (SELECT head FROM register_deals WHERE id = NEW.deal_id) "
        f"THEN RAISE EXCEPTION '{FOLLOW}'; END IF; RETURN NEW; END"),
}

POSTGRES_TRIGGERS = {
    "register_versions_no_change": "BEFORE UPDATE OR DELETE ON register_versions FOR EACH ROW "
                                   "EXECUTE FUNCTION register_refuse()",
    "register_versions_follow_head": "BEFORE INSERT ON register_versions FOR EACH ROW "
                                     "EXECUTE FUNCTION register_version_follows_head()",
    "register_deals_head_steps": "BEFORE UPDATE ON register_deals FOR EACH ROW EXECUTE FUNCTION register_head_steps()",
    "register_deals_no_delete": "BEFORE DELETE ON register_deals FOR EACH ROW EXECUTE FUNCTION register_refuse()",
    "register_archive_events_no_change": "BEFORE UPDATE OR DELETE ON register_archive_events FOR EACH ROW "
                                         "EXECUTE FUNCTION register_refuse()",
}


def _names(content: str, content_format: str) -> tuple[str | None, str | None, str | None]:
    """The deal's name, NHS body and partner from a stored text, read as plain data (the model of this release
    may differ from the one that saved it); None where the text does not say."""
    try:
        data = json.loads(content) if content_format == "json" else yaml.safe_load(content)
    except (ValueError, yaml.YAMLError):
        return None, None, None
    if not isinstance(data, dict):
        return None, None, None

    def text(value):
        return str(value)[:200] if value is not None else None

    def party(key):
        side = data.get(key)
        return text(side.get("name")) if isinstance(side, dict) else None

    return text(data.get("name")), party("nhs"), party("partner")


def upgrade() -> None:
    with op.batch_alter_table("register_versions") as batch:
        batch.add_column(sa.Column("deal_name", sa.String(200)))
        batch.add_column(sa.Column("nhs_name", sa.String(200)))
        batch.add_column(sa.Column("partner_name", sa.String(200)))
        batch.add_column(sa.Column("restored_from", sa.Integer))
        batch.add_column(sa.Column("search_text", sa.Text))
        batch.create_index("register_versions_deal_name", ["deal_name"])
    op.create_table(
        "register_archive_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("register_deals.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )

    bind = op.get_bind()
    deals = sa.table("register_deals", sa.column("id", sa.Integer), sa.column("key", sa.String))
    versions = sa.table("register_versions", sa.column("id", sa.Integer), sa.column("deal_id", sa.Integer),
                        sa.column("content", sa.Text), sa.column("content_format", sa.String),
                        sa.column("deal_name", sa.String), sa.column("nhs_name", sa.String),
                        sa.column("partner_name", sa.String), sa.column("search_text", sa.Text))
    rows = bind.execute(sa.select(versions.c.id, versions.c.content, versions.c.content_format, deals.c.key)
                        .join(deals, deals.c.id == versions.c.deal_id)).all()
    for row in rows:
        name, nhs, partner = _names(row.content, row.content_format)
        search = "\n".join((part or "").lower() for part in (row.key, name, nhs, partner))
        bind.execute(versions.update().where(versions.c.id == row.id)
                     .values(deal_name=name, nhs_name=nhs, partner_name=partner, search_text=search))

    # The guards go on last: the backfill above is the only update a version ever gets.
    if bind.dialect.name == "postgresql":
        for name, body in POSTGRES_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$ {body} $body$")
        for name, spec in POSTGRES_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {spec}")
    elif bind.dialect.name == "sqlite":
        for name, spec in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {spec}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, spec in POSTGRES_TRIGGERS.items():
            table = spec.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    elif bind.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("register_archive_events")
    with op.batch_alter_table("register_versions") as batch:
        batch.drop_index("register_versions_deal_name")
        for column in ("search_text", "restored_from", "partner_name", "nhs_name", "deal_name"):
            batch.drop_column(column)
