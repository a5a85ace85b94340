"""The image registry: images, their free-form properties and the users
they are shared with.

An image is a registered file (``location``, an opaque
``pithos://<account>/<container>/<path>`` URL until the object store
arrives) plus metadata. Deleting an image only unregisters it: the row
stays with ``deleted_at`` set, so the compute view's ``changes-since``
polling can report it as DELETED.
"""
import uuid as uuid_module

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from synnefo_pyr.orm import Base, UTCDateTime, utcnow


class Image(Base):
    __tablename__ = "images"
    __table_args__ = (
        # One live image per file: concurrent registrations of one
        # location cannot both succeed (images/registry.py).
        Index("uq_images_live_location", "location", unique=True,
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
    )

    id: Mapped[str] = mapped_column(
        String(36), primary_key=True, default=lambda: str(uuid_module.uuid4())
    )
    name: Mapped[str] = mapped_column(String(255))
    #: uuid of the registering user
    owner: Mapped[str] = mapped_column(String(36), index=True)
    location: Mapped[str] = mapped_column(String(1024), index=True)
    #: bytes (images are routinely larger than 2 GiB)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    checksum: Mapped[str] = mapped_column(String(255), default="")
    disk_format: Mapped[str] = mapped_column(String(32), default="diskdump")
    container_format: Mapped[str] = mapped_column(String(32), default="bare")
    #: ACTIVE, QUEUED, SAVING, ERROR or DELETED (image_registry.STATUSES)
    status: Mapped[str] = mapped_column(String(32), default="ACTIVE")
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False, index=True)
    deleted_at = mapped_column(UTCDateTime, nullable=True)

    property_items: Mapped[dict[str, "ImageProperty"]] = relationship(
        collection_class=attribute_keyed_dict("key"),
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    member_items: Mapped[list["ImageMember"]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ImageMember.member_uuid",
    )

    @property
    def properties(self):
        """A plain dict copy; change properties through image_registry."""
        return {key: item.value for key, item in sorted(self.property_items.items())}

    @property
    def members(self):
        """Member uuids, sorted."""
        return [item.member_uuid for item in self.member_items]

    @property
    def deleted(self):
        return self.deleted_at is not None


class ImageProperty(Base):
    __tablename__ = "image_properties"

    image_id: Mapped[str] = mapped_column(
        ForeignKey("images.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ImageMember(Base):
    """A user an image is shared with (read access)."""

    __tablename__ = "image_members"

    image_id: Mapped[str] = mapped_column(
        ForeignKey("images.id", ondelete="CASCADE"), primary_key=True
    )
    member_uuid: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
