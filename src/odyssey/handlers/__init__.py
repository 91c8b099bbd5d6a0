"""The handler layer: what the node does for a caller, one module per domain area.

Transports (`api` routes, the `controller`'s posbus commands) parse a request, call one
handler function, and serialize its result. A handler owns the permission check and the domain
rules of its operation (who may, what is valid, what follows), calls the stores in `db/` and the
domain services in `auth/` and `media/`, and raises `odyssey.core.errors.DomainError`s with a
reason (the one table in `api/errors.py` turns a reason into a status). Handlers know nothing of
HTTP or WebSockets: they take `Services`, the caller, and plain values.

The shape of a handler (Synapse's servlet -> handler -> store):

    async def create_object(services: Services, caller: Caller, spec: NewObject) -> TreeNode:
        await require_admin(services, caller.user_id, spec.parent_id, ...)
        ...
        return await services.objects.create_object(...)
"""
