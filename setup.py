from setuptools import find_packages, setup

# Cornice is in maintenance: pin it, and keep our use of it thin
# (Service, plain ``validators=`` callables, our own error handling).
requires = [
    "pyramid>=2.0,<3",
    "pyramid_tm>=2.5,<3",
    "pyramid_retry>=2.1,<3",
    "zope.sqlalchemy>=3.0",
    "transaction>=4.0",
    "sqlalchemy>=2.0,<2.2",
    "alembic>=1.13,<2",
    "cornice==6.1.0",
    "waitress>=3.0,<4",
    # The production server (production.ini): one process per core.
    "gunicorn>=22,<28",
    "plaster_pastedeploy>=1.0",
    "psycopg[binary]>=3.1,<4",
    "orjson>=3.9,<4",
]

tests_require = [
    "WebTest>=3.0,<4",
    "pytest>=8",
    "ruff>=0.5",
    # The property-based fuzzer of tests/functional/integrity/test_fuzz.py.
    "hypothesis>=6.100,<7",
]

setup(
    name="synnefo_pyr",
    version="0.1.0",
    description="The Synnefo cloud APIs (identity, quotas, compute, images) on Pyramid",
    packages=find_packages(exclude=["tests", "tests.*"]),
    include_package_data=True,
    package_data={"synnefo_pyr": ["alembic/*.py", "alembic/*.mako", "alembic/versions/*.py"]},
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=requires,
    extras_require={
        "testing": tests_require,
        # benchmarks/hot_paths.py also needs wrk (Debian: apt-get install wrk).
        "bench": [],
    },
    entry_points={
        "paste.app_factory": ["main = synnefo_pyr:paste_main"],
        "paste.server_runner": [
            "waitress = synnefo_pyr.server:serve_paste",
            "gunicorn = synnefo_pyr.server:serve_gunicorn",
        ],
        "paste.filter_app_factory": [
            "request_log = synnefo_pyr.wsgi_filters:request_log_filter",
        ],
        "console_scripts": [
            "snf-pyr-manage = synnefo_pyr.scripts.manage:main",
            "snf-pyr-worker = synnefo_pyr.scripts.worker:main",
        ],
    },
)
