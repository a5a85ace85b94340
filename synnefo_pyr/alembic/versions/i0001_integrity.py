"""integrity: one live image per location (a partial unique index)

Revision ID: i0001
Revises: 0004
Create Date: 2026-12-01

Before the index is built, older duplicates (the same location registered
live more than once, possible before) are unregistered, keeping the oldest
image of each location live, as ``find_live_by_location`` already chose.
"""
from alembic import op
import sqlalchemy as sa

revision = "i0001"
down_revision = "0004"
branch_labels = ("integrity",)
depends_on = None


def upgrade():
    op.execute(sa.text(
        "UPDATE images SET deleted_at = updated_at, status = 'DELETED' "
        "WHERE deleted_at IS NULL AND EXISTS ("
        "  SELECT 1 FROM images AS older WHERE older.location = images.location"
        "  AND older.deleted_at IS NULL"
        "  AND (older.created_at < images.created_at"
        "       OR (older.created_at = images.created_at AND older.id < images.id)))"
    ))
    op.create_index(
        "uq_images_live_location", "images", ["location"], unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"), sqlite_where=sa.text("deleted_at IS NULL"),
    )


def downgrade():
    op.drop_index("uq_images_live_location", table_name="images")
