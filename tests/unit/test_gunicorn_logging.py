"""gunicorn's access log is built only where it is written."""
import datetime
import io
import logging

import gunicorn.app.pasterapp
import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from synnefo_pyr import server
from synnefo_pyr.gunicorn_logging import AccessLogWhereWritten

INI = """\
[loggers]
keys = root{extra_keys}

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
{extra_logger}
[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(message)s
"""

ACCESS_LOGGER = """
[logger_access]
qualname = gunicorn.access
level = INFO
handlers = console
propagate = 0
"""


@pytest.fixture(autouse=True)
def logging_restored():
    """fileConfig replaces the root logger's handlers: put them back."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    access = logging.getLogger("gunicorn.access")
    saved_access = access.handlers[:], access.level, access.propagate
    yield
    root.handlers[:], root.level = saved
    access.handlers[:], access.level, access.propagate = saved_access


def logger(tmp_path, access_logger=False, **settings):
    ini = tmp_path / "service.ini"
    ini.write_text(INI.format(extra_keys=", access" if access_logger else "",
                              extra_logger=ACCESS_LOGGER if access_logger else ""))
    cfg = Config()
    cfg.set("logconfig", str(ini))  # as gunicorn's paste runner sets it
    for key, value in settings.items():
        cfg.set(key, value)
    return AccessLogWhereWritten(cfg)


def test_an_ini_file_that_writes_no_access_log_builds_none(tmp_path):
    log = logger(tmp_path)
    assert log.access_log_enabled is False
    # gunicorn's own logger builds it for the ini file alone.
    assert Logger(log.cfg).access_log_enabled is True


def test_an_access_logger_in_the_ini_file_is_written(tmp_path):
    log = logger(tmp_path, access_logger=True)
    assert log.access_log_enabled is True


def test_the_accesslog_setting_is_written(tmp_path):
    log = logger(tmp_path, accesslog="-")
    assert log.access_log_enabled is True


def test_the_written_line_is_gunicorns(tmp_path):
    log = logger(tmp_path, access_logger=True)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    log.access_log.addHandler(handler)

    class Response:
        status = "200 OK"
        headers = []
        sent = 17

    class Request:
        headers = []

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/compute/v2.0/flavors", "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    log.access(Response(), Request(), environ, datetime.timedelta(seconds=0.001))
    assert '"GET /compute/v2.0/flavors HTTP/1.1" 200 17' in out.getvalue()


def test_the_paste_runner_takes_this_logger(monkeypatch):
    given = {}
    monkeypatch.setattr(gunicorn.app.pasterapp, "serve", lambda app, conf, **kw: given.update(kw))
    monkeypatch.setattr(server, "freeze_the_app", lambda: None)
    server.serve_gunicorn(object(), {})
    assert given["logger_class"] == "synnefo_pyr.gunicorn_logging.AccessLogWhereWritten"
    # An operator's own logger class wins.
    server.serve_gunicorn(object(), {}, logger_class="mine.Logger")
    assert given["logger_class"] == "mine.Logger"
