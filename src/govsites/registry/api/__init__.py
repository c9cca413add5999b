"""The registry's JSON API, mounted at ``/api/v1/registry/`` (see :mod:`govsites.api`).

Every registry read and every application, approval and lifecycle action, with the same rules
and permissions as the admin: the endpoints only look objects up among what the caller may
see and hand them to the actions in :mod:`govsites.registry.actions`.
"""

from ninja import Router

from . import applications, institutions, sites

router = Router()
router.add_router("", institutions.router)
router.add_router("", sites.router)
router.add_router("", applications.router)
