"""Flavors (I1-I4): every user sees every live flavor; a deleted one is
still readable by id."""
from synnefo_pyr.compute import servers
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.compute import FlavorsContainer
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.compute.render import flavor_dict

flavors = SynnefoService(name="compute.flavors", path="/flavors")
flavors_detail = SynnefoService(name="compute.flavors_detail", path="/flavors/detail")
flavor = SynnefoService(
    name="compute.flavor", path=r"/flavors/{flavor_id:[0-9]+}",
    factory=FlavorsContainer, traverse="/{flavor_id}",
)


@flavors.get(permission=P.COMPUTE_READ)
def list_flavors(request):
    return {"flavors": [flavor_dict(request, f, detail=False) for f in servers.list_flavors(request.dbsession)]}


@flavors_detail.get(permission=P.COMPUTE_READ)
def list_flavors_detail(request):
    return {"flavors": [flavor_dict(request, f) for f in servers.list_flavors(request.dbsession)]}


@flavor.get(permission=P.COMPUTE_READ)
def get_flavor(request):
    return {"flavor": flavor_dict(request, request.context.obj)}


def includeme(config):
    for service in (flavors, flavors_detail, flavor):
        config.add_cornice_service(service)
