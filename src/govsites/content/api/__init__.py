"""The content JSON API, mounted at ``/api/v1/content/`` (see :mod:`govsites.api`).

Everything the library does — create, edit, revert, submit, approve, reject, publish, unschedule,
unpublish, archive, lock, repost — with the same rules and permissions as the admin: the
endpoints only look objects up among what the caller may see and hand them to the actions in
:mod:`govsites.content.actions`.
"""

from ninja import Router

from . import columns, items, workflow

router = Router()
router.add_router("", items.router)
router.add_router("", workflow.router)
router.add_router("", columns.router)
