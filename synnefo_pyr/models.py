"""Every table: importing this module registers each package's models on
``Base.metadata``, which Alembic compares with the migrations."""
from synnefo_pyr.orm import Base  # noqa: F401
from synnefo_pyr.identity import models as identity  # noqa: F401
from synnefo_pyr.quotas import models as quotas  # noqa: F401
from synnefo_pyr.images import models as images  # noqa: F401
from synnefo_pyr.compute import models as compute  # noqa: F401
from synnefo_pyr.network import models as network  # noqa: F401
from synnefo_pyr.backend import models as backend  # noqa: F401
from synnefo_pyr.projects import models as projects  # noqa: F401
from synnefo_pyr.storage import models as storage  # noqa: F401
