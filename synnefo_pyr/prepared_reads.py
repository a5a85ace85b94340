"""The hot read statements, compiled once and run on the driver's cursor.

``Connection.execute`` costs 40 to 80 us a statement over the driver's own
execute (measured side by side): the statement's cache key, an execution
context, the result's metadata and its ``Row`` objects. A
``PreparedRead`` compiles its Core select once per dialect and on each call
binds the parameters (with the types' bind processors), runs the SQL on the
connection's driver cursor and gives plain tuples (with the types' result
processors): the values ``Connection.execute`` would give, for the same
transaction and connection. Measured in-process on SQLite, CPU per
request: ``servers/<id>`` (four statements) 300 -> 200 us, an image
listing (two) 260 -> 155 us, the flavors 136 -> 111 us.

What SQLAlchemy does around a statement that the service relies on is kept:

- the cursor events: where a listener is registered (``Server-Timing``, the
  tests counting statements), ``before_cursor_execute`` and
  ``after_cursor_execute`` fire as SQLAlchemy fires them, with
  ``context=None`` (which the event's documentation allows);
- the errors: what the driver raises goes through the connection's own
  error handling, as from ``Connection.execute``: wrapped in SQLAlchemy's
  exception (``dbhealth`` reads its kind and SQLSTATE), a connection that
  died invalidated, the ``handle_error`` hooks called;
- echo (logged statements) and a dialect's own execute hooks: with either,
  the statement goes through ``Connection.execute``.

It relies on internals of SQLAlchemy's ``Connection`` and dialect
(``_has_events``, ``_echo``, ``_handle_dbapi_exception``: how SQLAlchemy
2.0 and 2.1 run their own statements);
tests/functional/compute/test_prepared_reads.py holds each of them, so a
SQLAlchemy that changes them fails the suite, not a request.

Only plain selects: no expanding (``IN``) or literal-rendered parameters,
whose SQL changes with the values.
"""
import weakref


def statements_are_round_trips(connection):
    """Whether each statement on ``connection`` is a round trip to a
    database server: on PostgreSQL about 50 us of CPU in this process
    besides the driver's work (a bare psycopg loop), and the wait. Not on
    SQLite, in this process: the readers that can unite their statements
    into one (one server, an image listing) do so only where this holds;
    SQLite sorts the united rows at a higher cost than the statements it
    saves."""
    return connection.dialect.name != "sqlite"


class _Plan:
    """A statement compiled for one dialect."""

    __slots__ = ("sql", "positional", "names", "values", "binds", "results")

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a prepared read takes plain bound parameters only")
        self.sql = compiled.string
        self.positional = compiled.positional
        self.names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        #: The values written in the statement (``column > 0``), which the
        #: call's parameters may override, as SQLAlchemy's.
        self.values = {name: bind.effective_value for name, bind in compiled.binds.items()
                       if not bind.required}
        self.binds = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.binds[name] = processor
        #: Each column's result processor (``None``: as the driver gives
        #: it), made at the first execution, from the cursor's description
        #: as SQLAlchemy does.
        self.results = None

    def parameters(self, params):
        if self.values:
            params = dict(self.values, **params)
        binds = self.binds
        if self.positional:
            return tuple(binds[name](params[name]) if name in binds else params[name]
                         for name in self.names)
        return {name: binds[name](params[name]) if name in binds else params[name]
                for name in self.names}

    def result_processors(self, statement, dialect, description):
        processors = [column.type.dialect_impl(dialect).result_processor(dialect, entry[1])
                      for column, entry in zip(statement.selected_columns, description)]
        return tuple((index, processor) for index, processor in enumerate(processors)
                     if processor is not None)


class PreparedRead:
    """A Core select run on the driver's cursor: ``rows(connection,
    params)`` gives a list of tuples."""

    __slots__ = ("statement", "_plans", "_last")

    def __init__(self, statement):
        self.statement = statement
        # One plan per dialect (each engine has its own), gone with it; the
        # last one used at hand (a service has one engine).
        self._plans = weakref.WeakKeyDictionary()
        self._last = (None, None)

    def _plan(self, dialect):
        last_dialect, plan = self._last
        if last_dialect is dialect:
            return plan
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = _Plan(self.statement, dialect)
        self._last = (dialect, plan)
        return plan

    def rows(self, connection, params=None):
        dialect = connection.dialect
        if connection._echo or dialect._has_events:
            # Logged statements, or a dialect's execute hooks: SQLAlchemy's path.
            return [tuple(row) for row in connection.execute(self.statement, params)]
        plan = self._plan(dialect)
        sql, parameters = plan.sql, plan.parameters(params or {})
        # Listeners on the engine or the connection (SQLAlchemy's own test),
        # and among them cursor listeners (the engine may have others).
        dispatch = connection.dispatch
        fire = (connection._has_events or connection.engine._has_events) and bool(
            dispatch.before_cursor_execute or dispatch.after_cursor_execute)
        cursor = None
        try:
            cursor = connection.connection.cursor()
            if fire:
                for listener in dispatch.before_cursor_execute:
                    sql, parameters = listener(connection, cursor, sql, parameters, None, False)
            cursor.execute(sql, parameters)
            if fire:
                dispatch.after_cursor_execute(connection, cursor, sql, parameters, None, False)
            rows = cursor.fetchall()
            # psycopg builds the description anew at each reading: only the
            # first execution reads it (for the result processors).
            description = cursor.description if plan.results is None else None
            cursor.close()
        except Exception as error:
            if not isinstance(error, dialect.loaded_dbapi.Error):
                raise
            # As Connection.execute does: wrapped in SQLAlchemy's exception
            # (DBAPIError and its kinds), a dead connection invalidated, the
            # handle_error hooks called; raises.
            connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
        except BaseException as error:
            # Interrupted mid-statement: SQLAlchemy invalidates the
            # connection (its state is unknown) and raises the interruption.
            connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
        processors = plan.results
        if processors is None:
            processors = plan.results = plan.result_processors(self.statement, dialect, description)
        if not processors:
            return rows
        processed = []
        for row in rows:
            row = list(row)
            for index, processor in processors:
                row[index] = processor(row[index])
            processed.append(tuple(row))
        return processed
