"""The SQLAlchemy models. Importing this package registers every table on
``Base.metadata`` (Alembic compares it with the migrations)."""
from .meta import Base  # noqa: F401
from . import identity  # noqa: F401
from . import quotas  # noqa: F401
from . import images  # noqa: F401
from . import compute  # noqa: F401
