"""Test fixtures: every functional test runs once on SQLite and once on
PostgreSQL, against the real application with the real pyramid_tm.

* ``--db sqlite|postgresql|all`` (default ``all``) narrows the databases.
* PostgreSQL is reached at ``SYNNEFO_TEST_PG`` (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); each pytest
  process creates a database of its own there and drops it at the end. When
  the server is unreachable those tests are skipped with the reason printed
  (``-rs``), never silently.
* The schema comes from ``alembic upgrade head``, as in production; after
  each test every table is emptied.
"""
import io
import json
import os
import uuid

import pytest
import sqlalchemy as sa
import webtest

from synnefo_pyr import main
from synnefo_pyr.models import Base
from synnefo_pyr.quotas import register_declared_resources
from synnefo_pyr.scripts.manage import run as manage_run

from tests.factories import Factory

PG_ADMIN_URL = os.environ.get(
    "SYNNEFO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--db", default="all", choices=DATABASES + ("all",),
                     help="database(s) to run the functional tests on")


def pytest_generate_tests(metafunc):
    if "db_kind" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--db")
        kinds = DATABASES if chosen == "all" else (chosen,)
        if metafunc.definition.get_closest_marker("postgresql_only"):
            kinds = tuple(k for k in kinds if k == "postgresql")
        metafunc.parametrize("db_kind", kinds, scope="session")


def _postgresql_database():
    """Create a throwaway database; returns ``(url, drop)``."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"synnefo_pyr_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.orig}")

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def db_url(db_kind, tmp_path_factory):
    if db_kind == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
        return
    url, drop = _postgresql_database()
    yield url
    drop()


@pytest.fixture(scope="session")
def base_settings(db_url, tmp_path_factory):
    """Settings of the application under test; tests that need others
    build their own app with ``make_app``."""
    return {
        # Small blocks: multi-block objects stay small (the block size is a
        # setting; the contract's 4 MiB is the default).
        "synnefo_pyr.storage.block_dir": str(tmp_path_factory.mktemp("blocks")),
        "synnefo_pyr.storage.block_size": "64",
        "sqlalchemy.url": db_url,
        "synnefo_pyr.auto_migrate": "true",
        "synnefo_pyr.feedback.sink": "log",
        # Links follow the Host header the tests send (development mode).
        "synnefo_pyr.trust_host_header": "true",
        "retry.attempts": "3",
        # Deactivations and expiries take effect at once (the token cache's
        # own tests turn it on).
        "synnefo_pyr.identity.token_cache_seconds": "0",
        # Backend jobs run only when a test asks (the run_jobs fixture).
        "synnefo_pyr.backend.worker": "external",
        "synnefo_pyr.backend.driver.build_seconds": "0",
        "synnefo_pyr.backend.driver.action_seconds": "0",
    }


@pytest.fixture
def manage(tmp_path, base_settings, registry):
    """Run ``snf-pyr-manage`` in-process against the test database, as an
    operator would: ``manage("user-add", "--email", ...)`` returns the
    printed JSON, or the stderr text when ``expect`` is a failure status."""
    ini = tmp_path / "manage.ini"
    ini.write_text("[app:main]\nuse = egg:synnefo_pyr#main\n" + "".join(
        f"{key} = {value}\n" for key, value in base_settings.items()
    ))

    def call(*argv, expect=0):
        out, err = io.StringIO(), io.StringIO()
        status = manage_run([str(ini), *argv], stdout=out, stderr=err)
        assert status == expect, err.getvalue()
        return json.loads(out.getvalue()) if status == 0 else err.getvalue()

    call.ini = ini
    return call


@pytest.fixture(scope="session")
def make_app(base_settings):
    apps = []

    def make(**overrides):
        app = main({}, **dict(base_settings, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.registry.dbengine.dispose()


@pytest.fixture(scope="session")
def app(make_app):
    return make_app()


@pytest.fixture(scope="session")
def registry(app):
    return app.registry


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Empty every table after each test that touched the database."""
    yield
    if "registry" not in request.fixturenames:
        return
    engine = request.getfixturevalue("registry").dbengine
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    # The declared quota resources are rows too: put them back, as at start.
    register_declared_resources(request.getfixturevalue("registry"))


@pytest.fixture
def testapp(app):
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "cloud.example.org"})


@pytest.fixture
def factory(registry):
    """Create committed rows: users, tokens, components... (tests/factories.py)."""
    return Factory(registry)


@pytest.fixture
def user(factory):
    return factory.user(email="alice@example.org", first_name="Alice", last_name="Cooper")


@pytest.fixture
def other_user(factory):
    return factory.user(email="bob@example.org", first_name="Bob", last_name="Dylan")
