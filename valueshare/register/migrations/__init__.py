"""Alembic migrations of the register's schema; ``valueshare.register.sql`` runs them when a register is opened."""
