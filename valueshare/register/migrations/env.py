"""Alembic's entry point for the register. valueshare passes an open connection (in ``config.attributes``) so that
an upgrade runs inside the transaction, and under the lock, that ``valueshare.register.sql`` holds. A developer can
also run ``alembic`` with ``sqlalchemy.url`` set in an ini file."""

from alembic import context
from alembic.config import Config
from sqlalchemy import create_engine

from valueshare.register.tables import VERSION_TABLE, metadata

config: Config | None
try:
    config = context.config
except AttributeError:  # imported outside Alembic (pytest's doctest collection does): there is nothing to run
    config = None


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("the register's migrations run against a database, not as SQL scripts")
    if config is None:
        raise SystemExit("the register's migrations run inside Alembic")
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise SystemExit("the register's migrations need a database URL")
        with create_engine(url).begin() as opened:
            _run(opened)


if config is not None:
    main()
