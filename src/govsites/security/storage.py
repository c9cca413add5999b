"""Where emergency plans and counterfeit-site screenshots are kept: a local folder that no URL
serves (not even the DEBUG media view), read only through the permission-checked download views.

``GOVSITES_PRIVATE_FILES_ROOT`` names the folder; by default ``private/`` beside ``MEDIA_ROOT``.
Read at each access (not at import), so tests and deployments can point it elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="govsites.security.storage.PrivateFileStorage")
class PrivateFileStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        configured = getattr(settings, "GOVSITES_PRIVATE_FILES_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private security files have no URL; use the download view")


private_storage = PrivateFileStorage()
