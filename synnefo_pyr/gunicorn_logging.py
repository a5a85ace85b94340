"""gunicorn's logger, its access log built only where it is written.

Behind pserve, gunicorn takes the ini file's logging configuration, and for
that alone builds every request's access-log line (a dozen atoms, a date, a
log record), even where no handler takes the ``gunicorn.access`` logger's
records and each is dropped: a sixth of the instructions of a flavors
request under gunicorn (1.72 M -> 1.47 M, the README's Performance). This logger
builds it when the log goes somewhere: ``accesslog`` is set, syslog takes
it, or the logging configuration gives ``gunicorn.access`` (or, where it
propagates, an ancestor) a handler, at level INFO or below.
"""
import logging

from gunicorn.glogging import Logger


class AccessLogWhereWritten(Logger):
    def setup(self, cfg):
        super().setup(cfg)  # sets the handlers, then applies the ini file's
        self._access_log_enabled = self._compute_access_log_enabled()

    def _compute_access_log_enabled(self):
        log = self.access_log
        return not log.disabled and log.isEnabledFor(logging.INFO) and log.hasHandlers()
