"""Resources and per-user quota limits.

``resource-add`` and ``resource-modify`` are for services outside this
deployment that account their own resources through the commission API;
the built-in ``cyclades.*`` resources are registered when the application
starts.
"""
from synnefo_pyr.identity import accounts
from synnefo_pyr.quotas import engine as quotas
from synnefo_pyr.quotas import registry
from synnefo_pyr import errors


def resource_dict(resource):
    return {
        "name": resource.name,
        "service": resource.service,
        "description": resource.description,
        "unit": resource.unit,
        "default_limit": resource.default_limit,
        "allow_in_projects": resource.allow_in_projects,
        "ui_visible": resource.ui_visible,
        "api_visible": resource.api_visible,
    }


def _limit(text):
    try:
        value = int(text)
    except ValueError:
        raise errors.Invalid(f"Not an integer limit: {text!r}")
    if value < 0:
        raise errors.Invalid("A limit cannot be negative")
    if value > registry.QUANTITY_MAX:
        raise errors.Invalid(f"A limit is at most {registry.QUANTITY_MAX}")
    return value


#: Resource fields and the longest value their columns take.
FIELD_LENGTHS = {"name": 128, "service": 64, "unit": 32, "description": 255}


def _check_lengths(args):
    for field_name, longest in FIELD_LENGTHS.items():
        value = getattr(args, field_name, None)
        if value is not None and len(value) > longest:
            raise errors.Invalid(f"The {field_name} has at most {longest} characters")


def _user_uuid(ctx, uuid):
    user = accounts.find_user(ctx.dbsession, uuid)
    if user is None:
        raise errors.Invalid(f"No user {uuid!r}")
    return user.uuid


def _quota_show(ctx, uuid):
    return {"uuid": uuid, "quotas": {quotas.SYSTEM: quotas.usage(ctx.dbsession, uuid)}}


def quota_set(args, ctx):
    uuid = _user_uuid(ctx, args.uuid)
    limit = _limit(args.limit)
    quotas.set_limit(ctx.dbsession, uuid, args.resource, limit)
    return _quota_show(ctx, uuid)


def quota_show(args, ctx):
    return _quota_show(ctx, _user_uuid(ctx, args.uuid))


def resource_list(args, ctx):
    return [resource_dict(r) for r in registry.list_resources(ctx.dbsession)]


def resource_add(args, ctx):
    _check_lengths(args)
    if registry.find_resource(ctx.dbsession, args.name) is not None:
        raise errors.Invalid(f"Resource {args.name!r} exists")
    resource = registry.add_resource(
        ctx.dbsession, args.name, args.service, _limit(args.default_limit),
        unit=args.unit, description=args.description or "",
        api_visible=not args.hidden, ui_visible=not args.hidden,
        allow_in_projects=not args.no_projects,
    )
    return resource_dict(resource)


def resource_modify(args, ctx):
    _check_lengths(args)
    resource = registry.find_resource(ctx.dbsession, args.name)
    if resource is None:
        raise errors.Invalid(f"No resource {args.name!r}")
    if args.default_limit is not None:
        resource.default_limit = _limit(args.default_limit)
    if args.description is not None:
        resource.description = args.description
    ctx.dbsession.flush()
    return resource_dict(resource)


def register(add):
    p = add("quota-set", quota_set, "Set a user's limit of a resource (source system).")
    p.add_argument("uuid", help="The user's uuid or email.")
    p.add_argument("resource", help="The resource's name, e.g. cyclades.vm.")
    p.add_argument("limit", help="The new limit (bytes for sizes); usage is left as it is.")

    p = add("quota-show", quota_show, "Show a user's limits and usage.")
    p.add_argument("uuid", help="The user's uuid or email.")

    add("resource-list", resource_list, "List the resources and their default limits.")

    p = add("resource-add", resource_add,
            "Register a resource of a service outside this deployment (it accounts with commissions).")
    p.add_argument("name", help="The resource's name, e.g. pithos.diskspace.")
    p.add_argument("--service", required=True,
                   help="The service that implements it; its component sees it in /service_quotas.")
    p.add_argument("--default-limit", required=True, metavar="N",
                   help="The limit a user's holding starts with.")
    p.add_argument("--unit", help="The unit, e.g. bytes; none for plain counts.")
    p.add_argument("--description", help="What the resource is, for the API listings.")
    p.add_argument("--hidden", action="store_true", help="Leave it out of the API listings.")
    p.add_argument("--no-projects", action="store_true",
                   help="Projects may not grant it (allow_in_projects false).")

    p = add("resource-modify", resource_modify,
            "Change a resource's default limit (for holdings created from now on) or description.")
    p.add_argument("name", help="The resource's name.")
    p.add_argument("--default-limit", metavar="N", help="The new default limit.")
    p.add_argument("--description", help="The new description.")
