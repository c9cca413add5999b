"""The one interface every front target implements (local folder, rsync over SSH, S3 bucket).

A target holds, per site, numbered *releases*: complete file trees. Exactly one is served.
The publisher never edits the served tree in place: :meth:`FrontTarget.apply` builds release
``new`` from release ``base`` plus a delta and then switches to it in one atomic step, so a reader
sees either the old or the new site, and a publisher killed at any moment leaves ``base`` served
(SEC-04's restore and the crash test rely on this). Only the integrity watch's
:meth:`FrontTarget.restore` touches the served release, to put back what an attacker changed.

Files arrive as paths to content-addressed objects in the build store (``sources``): a target
copies them, it never links to them, so tampering on a front host cannot reach the store.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from pathlib import Path


class TargetError(Exception):
    """A target could not complete an operation; the served release is unchanged."""


class BaseReleaseMissing(TargetError):
    """The target does not hold the base release (new target, pruned, lost): the publisher
    answers with a full push (``base=None`` and every file of the manifest in ``writes``)."""


class FrontTarget(ABC):
    #: settings name of the target, shown in incidents and the admin
    name: str = ""

    @abstractmethod
    def apply(
        self,
        site_key: str,
        base: int | None,
        new: int,
        writes: Mapping[str, Path],
        removes: Iterable[str],
    ) -> None:
        """Serve release ``new`` = release ``base`` (``None``: empty) + ``writes`` − ``removes``.

        ``writes`` maps site-relative output paths (``zwdt/index.html``) to build-store files.
        Atomic: until it returns, the previously served release stays served; it may be called
        again with the same ``new`` after a crash and must then start that release afresh.
        Raises :class:`BaseReleaseMissing` if ``base`` is not held.
        """

    @abstractmethod
    def served_release(self, site_key: str) -> int | None:
        """The number of the release being served, ``None`` if the site has none here."""

    @abstractmethod
    def snapshot(self, site_key: str) -> dict[str, str]:
        """``{path: sha256 hex}`` of every file in the served release, as the target holds it
        now (read from the target, never from a cache: this is what the integrity watch trusts)."""

    @abstractmethod
    def restore(self, site_key: str, writes: Mapping[str, Path], removes: Iterable[str]) -> None:
        """Repair the served release in place: put back ``writes`` (modified or deleted files)
        and delete ``removes`` (files nobody published, e.g. a web shell)."""

    @abstractmethod
    def sites(self) -> list[str]:
        """Site keys this target holds."""

    @abstractmethod
    def remove_site(self, site_key: str) -> None:
        """Stop serving a site and delete all its releases (a closed site's front)."""

    def prune(self, site_key: str, keep: int = 3) -> None:  # noqa: B027  (optional)
        """Delete releases older than the newest ``keep`` (never the served one)."""
