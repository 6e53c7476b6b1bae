"""Each version's outline, for the portfolio: its use, kinds of data and terms, what the NHS receives by kind of
term, its value share and fair band (``valueshare.register.outline``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

The outline is derived from the version's text when it is saved, so it is not part of the version's record or its
audit chain, and a version saved before this revision simply has none: the portfolio works it out from the text.
Nothing saved earlier changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_version_outlines",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("register_versions.id", ondelete="RESTRICT"),
                  primary_key=True),
        sa.Column("outline", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("register_version_outlines")
