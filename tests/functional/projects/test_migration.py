"""The projects migration (0300_projects) gives every existing holding a
base limit equal to its limit: before projects, every limit was the base."""
import sqlalchemy as sa
from alembic import command

from synnefo_pyr.db import alembic_config


def test_existing_holdings_keep_their_limit_as_base(tmp_path):
    url = f"sqlite:///{tmp_path}/before-projects.sqlite"
    config = alembic_config(url)
    command.upgrade(config, "0004")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO resources (id, name, description, service, allow_in_projects,"
            " ui_visible, api_visible, default_limit) VALUES (1, 'cyclades.vm', '', 'cyclades',"
            " 1, 1, 1, 10)"))
        conn.execute(sa.text(
            'INSERT INTO quota_holdings (holder, source, resource_id, "limit", usage_min,'
            " usage_max) VALUES ('u', 'system', 1, 7, 2, 3)"))
    command.upgrade(config, "heads")
    with engine.connect() as conn:
        row = conn.execute(sa.text('SELECT base_limit, "limit" FROM quota_holdings')).one()
    engine.dispose()
    assert tuple(row) == (7, 7)
