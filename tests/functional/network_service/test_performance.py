"""The network service's lists cost the same number of SQL statements
whatever the number of items (no query per network, subnet, port or
floating IP)."""
import contextlib

from sqlalchemy import event


@contextlib.contextmanager
def count_statements(engine):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


PATHS = ("/networks", "/subnets", "/ports", "/floatingips")


def test_lists_cost_constant_statements(net, registry, user, with_subnet, fip):
    def make(count):
        for _ in range(count):
            network = with_subnet(user)
            net.post(user, "/ports", {"port": {"network_id": network["id"]}})
            held = fip(user)
            net.post(user, "/ports", {"port": {"network_id": held["floating_network_id"],
                                               "fixed_ips": [{"ip_address": held["floating_ip_address"]}]}})

    def costs():
        result = {}
        for path in PATHS:
            with count_statements(registry.dbengine) as statements:
                net.get(user, path)
            result[path] = len(statements)
        return result

    make(1)
    small = costs()
    make(3)
    assert costs() == small, small
