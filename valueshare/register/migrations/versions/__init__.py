"""The register's schema revisions, oldest first; Alembic reads them, valueshare never imports them."""
