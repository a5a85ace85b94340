"""Object storage metadata: nodes, versions, attributes, hashmaps,
permissions, public links and groups (behaviours-object M0.12-M0.19).

Nodes form a tree by path: an account (``parent_id`` NULL, named by the
user's uuid), its containers, and the containers' objects (named by the
whole object name, slashes included). Every node has versions; a version's
``serial`` is one counter for the whole service (``X-Object-Version``), and
``latest_serial`` points at the node's newest version, maintained while the
node is locked. Data lives in the block store: a version names its hashmap
(``map_key``), whose rows list the block hashes in order.

Names compare in code-point order: ``COLLATE "C"`` on PostgreSQL, SQLite's
BINARY order elsewhere.
"""
from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from synnefo_pyr.orm import Base

#: BIGINT keys that still autoincrement on SQLite (only INTEGER PRIMARY KEY does there).
BigId = BigInteger().with_variant(Integer, "sqlite")
#: Names sorted and compared by code point on both databases.
Name = String(1024).with_variant(String(1024, collation="C"), "postgresql")

NORMAL, HISTORY, DELETED = 0, 1, 2
#: The metadata domain of the API; the image registry could keep its own.
API_DOMAIN = "pithos"


class Node(Base):
    __tablename__ = "storage_nodes"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        # Accounts have no parent; NULLs are distinct in a unique constraint.
        Index("ix_storage_nodes_account_name", "name", unique=True,
              sqlite_where=text("parent_id IS NULL"), postgresql_where=text("parent_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("storage_nodes.id", ondelete="CASCADE"), nullable=True
    )
    name: Mapped[str] = mapped_column(Name)
    latest_serial: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    #: Last change of the node or of anything under it (microseconds).
    modified_us: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Container policy (NULL: the default).
    policy_quota: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    policy_versioning: Mapped[str | None] = mapped_column(String(8), nullable=True)


class HashMap(Base):
    """A list of block hashes, keyed by the sha256 of the raw digests in
    order (the top hash is not a unique key: a 64-byte object whose bytes
    are two digests has the two-block object's top hash)."""

    __tablename__ = "storage_maps"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    blocks: Mapped[int] = mapped_column(Integer)


class MapBlock(Base):
    __tablename__ = "storage_map_blocks"

    map_key: Mapped[str] = mapped_column(
        String(64), ForeignKey("storage_maps.key", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    block: Mapped[str] = mapped_column(String(64), index=True)


class Version(Base):
    __tablename__ = "storage_versions"
    __table_args__ = (Index("ix_storage_versions_node_serial", "node_id", "serial"),)

    serial: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(BigId, ForeignKey("storage_nodes.id", ondelete="CASCADE"))
    #: Top hash (X-Object-Hash); NULL for accounts, containers and tombstones.
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    map_key: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("storage_maps.key"), nullable=True, index=True
    )
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    content_type: Mapped[str] = mapped_column(String(256), default="")
    source_serial: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    mtime_us: Mapped[int] = mapped_column(BigInteger)
    muser: Mapped[str] = mapped_column(String(64), default="")
    uuid: Mapped[str] = mapped_column(String(36), index=True)
    #: MD5 of the data when the uploader sent one to check, else "".
    checksum: Mapped[str] = mapped_column(String(32), default="")
    cluster: Mapped[int] = mapped_column(SmallInteger, default=NORMAL)


class Attribute(Base):
    """One metadata key of one version, in a domain (M0.13)."""

    __tablename__ = "storage_attributes"

    serial: Mapped[int] = mapped_column(
        BigId, ForeignKey("storage_versions.serial", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Permission(Base):
    """A member of an object path's read or write list (M0.17)."""

    __tablename__ = "storage_permissions"

    node_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("storage_nodes.id", ondelete="CASCADE"), primary_key=True
    )
    access: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: a user uuid, ``<owner>:<group>`` or ``*``
    member: Mapped[str] = mapped_column(String(300), primary_key=True, index=True)


class PublicLink(Base):
    __tablename__ = "storage_public"

    node_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("storage_nodes.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)


class Group(Base):
    """A member of an account's group (M0.16)."""

    __tablename__ = "storage_groups"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(256), primary_key=True)
    member: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
