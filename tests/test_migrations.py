"""Migrations are the only way the schema changes: after ``upgrade heads``
the database must match the models exactly, and ``downgrade base`` must
undo everything."""
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from synnefo_pyr.db import alembic_config, get_engine, upgrade_schema
from synnefo_pyr.models import Base


def test_models_match_migrations(db_url):
    engine = get_engine({"sqlalchemy.url": db_url})
    upgrade_schema(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], "models and migrations differ; write a migration:\n%s" % diff


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path}/migrations.sqlite"
    command.upgrade(alembic_config(url), "heads")
    command.downgrade(alembic_config(url), "base")
    engine = sa.create_engine(url)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(alembic_config(url), "heads")
    assert "servers" in sa.inspect(engine).get_table_names()
    engine.dispose()
