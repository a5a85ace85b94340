"""Storage: show an account, show a file, collect unreferenced blocks."""
from datetime import datetime, timezone

from synnefo_pyr import errors
from synnefo_pyr.db import session_scope
from synnefo_pyr.storage import accounts, containers, gc, nodes, objects, publishing, quotas, sharing
from synnefo_pyr.storage.models import DELETED, HISTORY, NORMAL

CLUSTERS = {NORMAL: "current", HISTORY: "history", DELETED: "deleted"}


def _iso(us):
    return datetime.fromtimestamp(us // 1_000_000, timezone.utc).replace(microsecond=us % 1_000_000).isoformat()


def account_show(args, ctx):
    db = ctx.dbsession
    node = nodes.account_node(db, args.uuid)
    if node is None:
        raise errors.NotFound(f"No account {args.uuid!r} (it is created on its owner's first request)")
    state = accounts.state(db, args.uuid)
    found = accounts.containers(db, node)
    stats = nodes.container_stats(db, [n.id for n in found])
    limit, usage = quotas.account_quota(db, args.uuid)
    return {
        "account": args.uuid, "bytes_used": usage, "quota": limit,
        "last_modified": _iso(state.last_modified_us), "meta": state.meta, "groups": state.groups,
        "containers": [{"name": n.name, "count": stats[n.id].count, "bytes": stats[n.id].bytes,
                        "policy": containers.policy_of(n)} for n in found],
    }


def file_show(args, ctx):
    account, _, rest = args.path.partition("/")
    container, _, name = rest.partition("/")
    if not account or not container or not name:
        raise errors.Invalid("file-show wants ACCOUNT/CONTAINER/OBJECT")
    db = ctx.dbsession
    path = objects.Path(account, container, name)
    container_node, node = objects.locate(db, path)
    if node is None:
        raise errors.NotFound(f"No object {args.path}")
    latest = nodes.latest(db, node)
    versions = []
    for serial in sorted(v.serial for v in nodes.history(db, node.id)) + (
            [latest.serial] if latest is not None and latest.cluster == DELETED else []):
        version = db.get(objects.Version, serial)
        versions.append({
            "version": version.serial, "state": CLUSTERS[version.cluster], "bytes": version.size,
            "hash": version.hash, "content_type": version.content_type, "uuid": version.uuid,
            "modified_by": version.muser, "modified": _iso(version.mtime_us),
            "meta": nodes.attributes(db, version.serial),
        })
    current = nodes.current(db, node)
    effective = sharing.effective(db, container_node.id, name)
    return {
        "path": args.path, "versions": versions,
        "hashmap": objects.hashmap(db, current) if current is not None else [],
        "sharing": effective.sharing.header(), "shared_by": effective.carrier,
        "public_token": publishing.token_of(db, node.id),
    }


def block_gc(args, ctx):
    registry = ctx.registry
    grace = registry.storage_settings.gc_grace if args.grace is None else args.grace
    if grace < 0:
        raise errors.Invalid("--grace must not be negative")
    with session_scope(registry) as db:
        maps = 0 if args.dry_run else gc.delete_orphan_maps(db)
    removed, kept = gc.collect_blocks(lambda: session_scope(registry), registry.block_store, grace,
                                      dry_run=args.dry_run)
    return {"maps_removed": maps, "blocks_removed": removed, "blocks_kept": kept, "grace": grace,
            "dry_run": args.dry_run}


def register(add):
    p = add("account-show", account_show, "Show an object storage account: usage, quota, containers.")
    p.add_argument("uuid", metavar="UUID", help="The account's (its owner's) uuid.")
    p = add("file-show", file_show, "Show a stored object: versions, hashmap, sharing.")
    p.add_argument("path", metavar="ACCOUNT/CONTAINER/OBJECT", help="The object's path.")
    p = add("block-gc", block_gc, "Remove the blocks no object version references (safe while serving).")
    p.add_argument("--grace", type=int, default=None, metavar="SECONDS",
                   help="Keep blocks written or refreshed this recently (default: synnefo_pyr.storage.gc_grace).")
    p.add_argument("--dry-run", action="store_true", help="Only count what would be removed.")
