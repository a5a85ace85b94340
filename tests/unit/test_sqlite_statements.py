"""SQLite reader connections run their statements one at a time in each
process (``sqlite_statements``), fetching every row under the lock; other
connections' statements take no lock."""
import os
import sqlite3
import threading

import pytest

from synnefo_pyr import sqlite_statements


@pytest.fixture
def connection(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.sqlite", factory=sqlite_statements.Connection,
                           check_same_thread=False)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO t (name) VALUES (?)", [(f"n{i}",) for i in range(7)])
    conn.commit()
    yield conn
    conn.close()


def rows_of(conn, how):
    cursor = conn.cursor()
    cursor.execute("SELECT id, name FROM t WHERE id > ? ORDER BY id", (1,))
    return cursor.description, how(cursor)


@pytest.mark.parametrize("how", [
    lambda c: c.fetchall(),
    lambda c: [c.fetchone(), c.fetchone(), c.fetchall(), c.fetchone()],
    lambda c: [c.fetchmany(), c.fetchmany(4), c.fetchmany(9), c.fetchmany()],
    lambda c: list(c),
    lambda c: [next(c), c.fetchall()],
], ids=["fetchall", "fetchone", "fetchmany", "iteration", "next"])
def test_a_prefetching_cursor_answers_as_sqlite3s_own(connection, how):
    plain = rows_of(connection, how)
    connection.one_statement_at_a_time = True
    assert rows_of(connection, how) == plain
    assert type(connection.cursor()) is sqlite_statements.PrefetchingCursor


def run_in_a_thread(conn):
    done = threading.Event()

    def select():
        conn.cursor().execute("SELECT count(*) FROM t").fetchall()
        done.set()

    thread = threading.Thread(target=select)
    thread.start()
    return thread, done


def test_a_reader_statement_waits_for_the_one_running(connection):
    connection.one_statement_at_a_time = True
    with sqlite_statements._statements:  # another thread's statement, running
        thread, done = run_in_a_thread(connection)
        # Not a timing: the statement cannot run before the lock is let go.
        assert not done.wait(0.2)
    thread.join(10)
    assert done.is_set()


def test_other_statements_take_no_lock(connection):
    assert connection.one_statement_at_a_time is False
    with sqlite_statements._statements:
        thread, done = run_in_a_thread(connection)
        thread.join(10)
        assert done.is_set()


def test_a_forked_process_starts_with_the_lock_free():
    with sqlite_statements._statements:
        pid = os.fork()
        if pid == 0:  # the child: its lock is a new one
            os._exit(0 if sqlite_statements._statements.acquire(blocking=False) else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
