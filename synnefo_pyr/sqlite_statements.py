"""SQLite connections whose read-only requests' statements run one at a
time in each process.

Python's sqlite3 module lets go of the GIL for every row it steps through.
Where several threads of one process are busy (gunicorn's gthread worker,
waitress), each of those steps hands the GIL to another thread and takes
it back later: a context switch per row. Four threads fetching a listing's
thousand rows so spend several times the CPU that one thread fetching the
same rows in turn does (the README's Performance section: half the CPU
of a 100-server listing under gunicorn's four threads). The threads gain
nothing from it: SQLite's work is in-process CPU work, not waiting.

So a reader connection's statement runs, and all its rows are fetched,
holding one lock per process; the threads waiting for that lock sleep
instead of taking the GIL row by row. Only the connections of read-only
requests (``db.ReaderSessions``) take it: in WAL mode a reader never waits
for another connection's lock, so a statement holding this lock never
waits for a thread that wants it; writers, which do wait (BEGIN IMMEDIATE,
busy timeout), never take it, so no cycle can form. The price: a long
read statement (the rows of a listing of thousands) holds its process's
other reads back while it runs, where they would have crawled alongside
it; rendering, the larger part of a listing, runs outside the lock.
"""
import itertools
import os
import sqlite3
import threading

_statements = threading.Lock()


def _new_lock_after_fork():
    # A thread of the parent may have held it at the fork.
    global _statements
    _statements = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_after_fork)


class PrefetchingCursor(sqlite3.Cursor):
    """Runs its statement and fetches every row under the process's lock;
    its fetches then read the rows fetched."""

    _rows = iter(())

    def execute(self, sql, parameters=()):
        with _statements:
            super().execute(sql, parameters)
            self._rows = iter(super().fetchall())
        return self

    def fetchone(self):
        return next(self._rows, None)

    def fetchmany(self, size=None):
        return list(itertools.islice(self._rows, self.arraysize if size is None else size))

    def fetchall(self):
        return list(self._rows)

    def __iter__(self):
        return self._rows

    def __next__(self):
        return next(self._rows)


class Connection(sqlite3.Connection):
    """sqlite3's connection, its cursors ``PrefetchingCursor`` while
    ``one_statement_at_a_time`` is set (a reader connection)."""

    one_statement_at_a_time = False

    def cursor(self, factory=None):
        if factory is None:
            factory = PrefetchingCursor if self.one_statement_at_a_time else sqlite3.Cursor
        return super().cursor(factory)
