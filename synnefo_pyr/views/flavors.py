"""Flavors (I1-I4): every user sees every live flavor; a deleted one is
still readable by id."""
from sqlalchemy import select

from ..models.compute import Flavor
from ..permissions import Permission as P
from ..resources.compute import FlavorsContainer
from ..servers import flavor_to_dict
from ..service import SynnefoService

flavors = SynnefoService(name="compute.flavors", path="/flavors")
flavors_detail = SynnefoService(name="compute.flavors_detail", path="/flavors/detail")
flavor = SynnefoService(
    name="compute.flavor", path=r"/flavors/{flavor_id:\d+}",
    factory=FlavorsContainer, traverse="/{flavor_id}",
)


def _live_flavors(request):
    return request.dbsession.scalars(
        select(Flavor).where(Flavor.deleted.is_(False)).order_by(Flavor.id)
    )


@flavors.get(permission=P.COMPUTE_READ)
def list_flavors(request):
    return {"flavors": [flavor_to_dict(request, f, detail=False) for f in _live_flavors(request)]}


@flavors_detail.get(permission=P.COMPUTE_READ)
def list_flavors_detail(request):
    return {"flavors": [flavor_to_dict(request, f) for f in _live_flavors(request)]}


@flavor.get(permission=P.COMPUTE_READ)
def get_flavor(request):
    return {"flavor": flavor_to_dict(request, request.context.obj)}


def includeme(config):
    for service in (flavors, flavors_detail, flavor):
        config.add_cornice_service(service)
