"""Rows for tests, each created and committed in its own transaction, as
an operator's ``snf-pyr-manage`` would."""
from dataclasses import dataclass
from datetime import timedelta

from synnefo_pyr.identity import accounts
from synnefo_pyr.db import session_scope
from synnefo_pyr.identity.models import AuthToken, User
from synnefo_pyr.orm import utcnow


@dataclass
class TestUser:
    """What a test needs of a user: who it is and a live token."""

    __test__ = False

    uuid: str
    email: str
    token: str
    realname: str
    id: int

    @property
    def headers(self):
        return {"X-Auth-Token": self.token}


class Factory:
    def __init__(self, registry):
        self.registry = registry

    def session(self):
        return session_scope(self.registry)

    def user(self, email="user@example.org", first_name="Ada", last_name="Lovelace",
             password=None, admin=False, active=True, token_ttl=3600):
        with self.session() as db:
            user = accounts.create_user(db, email, first_name, last_name, password=password, admin=admin)
            user.is_active = active
            clear, _ = accounts.issue_token(db, user, token_ttl)
            return TestUser(user.uuid, user.email, clear, user.realname, user.id)

    def token(self, user, ttl=3600, scope=None):
        with self.session() as db:
            row = db.get(User, user.id)
            clear, _ = accounts.issue_token(db, row, ttl, scope=scope)
            return clear

    def expire_tokens(self, user):
        with self.session() as db:
            for token in db.query(AuthToken).filter_by(user_id=user.id):
                token.expires_at = utcnow() - timedelta(seconds=1)

    def set_active(self, user, active):
        with self.session() as db:
            db.get(User, user.id).is_active = active

    def stored_file(self, owner_uuid, path="images/file.diskdump", data=b"image data",
                    content_type="application/octet-stream"):
        """Store ``data`` at ``<container>/<name>`` of the owner's account
        (creating both); returns its ``pithos://`` location."""
        import io

        from synnefo_pyr.storage import files

        container, _, name = path.partition("/")
        with self.session() as db:
            files.store_file(db, self.registry.block_store, self.registry.storage_settings.block_size,
                             account=owner_uuid, container=container, name=name,
                             read=io.BytesIO(data).read, content_type=content_type)
        return f"pithos://{owner_uuid}/{path}"

    def component(self, name="cyclades", base_url="https://cyclades.example.org/", ui_url=None):
        with self.session() as db:
            _, clear = accounts.create_component(db, name, base_url, ui_url)
            return clear


def make_network(registry, *, public=False, owner=None, name="net", type="CUSTOM", cidr=None,
                 gateway=None, cidr6=None, gateway6=None, pools=None, floating_ip_pool=False,
                 drained=False, dhcp=True):
    """A committed network with its subnets, as ``snf-pyr-manage
    network-create`` makes it (operator limits; ``owner`` is a uuid,
    charged to its private-network quota); returns its id."""
    from synnefo_pyr.network import subnets

    with session_scope(registry) as db:
        specs = subnets.operator_subnet_specs(cidr=cidr, gateway=gateway, cidr6=cidr6,
                                              gateway6=gateway6, dhcp=dhcp, pools=pools)
        return subnets.create_network_with_subnets(
            db, specs, name=name, type=type, public=public, owner=owner,
            floating_ip_pool=floating_ip_pool, drained=drained,
            mac_pool=registry.network_settings.mac_pool, force_quota=True,
        ).id


def nic_row(db, *, network_id, user_uuid, server_id=None, index=None, mac=None, ipv4=None, ipv6=None,
            state="ACTIVE"):
    """A port row with its address rows (the IPv4 one from the network's
    IPv4 subnet), as the API and the backend would leave them; added to
    ``db``, not flushed."""
    from synnefo_pyr.network.models import NIC, IPAddress, Network

    network = db.get(Network, network_id)
    nic = NIC(network_id=network_id, server_id=server_id, user_uuid=user_uuid, index=index, mac=mac,
              state=state, device_owner="vm" if server_id is not None or index is not None else None)
    for version, address in ((4, ipv4), (6, ipv6)):
        if address is not None:
            nic.addresses.append(IPAddress(network_id=network_id, subnet_id=network.subnet(version).id,
                                           user_uuid=user_uuid, address=address, ip_version=version))
    db.add(nic)
    return nic
