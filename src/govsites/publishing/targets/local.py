"""A front folder on this machine (the embedded demo's target, and the staging side of rsync).

Layout under ``path``::

    <site_key>                  -> .releases/<site_key>/<n>    (relative symlink: the served release)
    .releases/<site_key>/<n>/   one complete file tree per release
    .releases/<site_key>/.tmp-<n>-<random>/   a release being built (never served)

:meth:`LocalFolderTarget.apply` builds release ``n`` as a *hard-link farm* of release ``base``
(every unchanged file is ``os.link``-ed, so it costs a directory entry, not a copy), copies the
changed files in from the build store, renames the finished tree to ``<n>`` and then replaces the
``<site_key>`` symlink with ``os.replace`` — one ``rename(2)``, so a reader resolves either the
old or the new tree, never a mix, and a crash at any point leaves the old release served.

Hard links stay *inside the front folder*: files from the build store are copied (the store must
not share an inode with anything a front-host attacker can write). Because releases share inodes,
nothing here ever writes into an existing file: new content always goes to a new inode (a fresh
name then ``os.replace``), so building or repairing one release can never change another.

Durability: written files are fsynced one by one (a full push: one ``syncfs`` of the file
system instead), the releases folder after the rename and the front folder after the switch; the
links themselves are metadata that journaling file systems (ext4, XFS) commit in order, no later
than the rename that publishes them.

Tampering: an attacker who edits a served file *in place* changes that inode in every release
sharing it, and the next ``apply`` links it again. The integrity watch compares the served
release with the manifest and :meth:`~LocalFolderTarget.restore` writes the right bytes as a new
inode; run it before publishing on a suspect front, or publish a full push (``base=None``).

Cost (measured on the development VM: 2 vCPU, ext4): ``apply`` of a 20,000-file base (200
folders) with 5 writes takes 0.25–0.33 s when the machine is otherwise idle and 0.4–0.7 s under a
concurrent load average of ~5 (the walk, 20,000 ``link`` calls, 5 copies, 7 fsyncs); a full push
of 20,000 new files takes 1.8–3 s. Re-measure with ``pytest -s -k apply_cost
tests/publishing/targets/test_local.py``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from .base import BaseReleaseMissing, FrontTarget, TargetError

RELEASES = ".releases"
#: the "hash" of a symlink, FIFO… found in a served tree: no published file can match it
NOT_A_FILE = hashlib.sha256(b"not-a-regular-file\0").hexdigest()
_KEY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
#: absolute, backslash, control characters (NUL…), and empty, ``.`` or ``..`` segments
_BAD_PATH = re.compile(r"^/|\\|[\x00-\x1f\x7f]|(?:^|/)\.{0,2}(?:/|$)")
#: up to this many written files are fsynced one by one; more (a full push) use one syncfs
_FSYNC_EACH_MAX = 32


def check_site_key(site_key: str) -> str:
    """A site key becomes a folder, a symlink, an S3 prefix and a remote shell word: only host-name
    characters, no ``..``, no leading dot (dot names are ours: ``.releases``, temp names)."""
    if not isinstance(site_key, str) or not _KEY.match(site_key) or ".." in site_key:
        raise TargetError(f"invalid site key {site_key!r}")
    return site_key


def check_output_path(path: str) -> str:
    """A site-relative output path from the publisher: refuse anything that could land outside the
    site's folder (absolute, ``..``, ``.``, empty segments, backslashes, NUL or control characters)."""
    if not isinstance(path, str) or not path:
        raise TargetError(f"invalid output path {path!r}")
    if _BAD_PATH.search(path):
        raise TargetError(f"invalid output path {path!r}")
    return path


def check_removal_path(path: str) -> str:
    """A path the integrity watch asks to delete: it comes from a snapshot, so it may be any name
    an attacker gave a file (backslashes, newlines…); it only has to stay inside the site."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\0" in path:
        raise TargetError(f"invalid path to remove {path!r}")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise TargetError(f"invalid path to remove {path!r}")
    return path


def _contained(root: str, path: str) -> str:
    """``root/path`` after normalisation, checked to be strictly inside ``root``."""
    full = os.path.normpath(os.path.join(root, path))
    if not full.startswith(root.rstrip(os.sep) + os.sep):
        raise TargetError(f"output path {path!r} escapes the site folder")
    return full


def release_number(name: str) -> int | None:
    return int(name) if name.isdigit() and name == str(int(name)) else None


def served_number(name: str) -> int | None:
    """The release a link's folder name stands for: ``<n>``, or ``.tmp-<n>[-…]`` (local) /
    ``.twin-<n>-…`` (rsync) while a crashed, already served release is being rebuilt."""
    match = re.match(r"^\.(?:tmp|twin)-(\d+)(?:-|$)", name)
    return int(match.group(1)) if match else release_number(name)


def sha256_file(path: str | os.PathLike) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _syncfs(path: str) -> None:
    """Flush the whole file system holding ``path`` once (cheaper than one fsync per file for a
    full push); falls back to ``sync()`` where ``syncfs`` is unavailable."""
    libc_name = ctypes.util.find_library("c")
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True) if libc_name else None
        if libc is None or not hasattr(libc, "syncfs") or libc.syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _newer_than(path: str, previous: str) -> None:
    """Give a rewritten file an mtime (in whole seconds) later than the file it replaces.

    Fronts identify versions by mtime and size: nginx's ``ETag`` is ``"<mtime s>-<size>"`` and
    ``Last-Modified`` answers ``If-Modified-Since``. Two publishes of a same-sized page within one
    second would otherwise get the same validators, and browsers would keep the old page.
    """
    try:
        before = os.lstat(previous)
    except OSError:
        return
    now = os.stat(path)
    if int(now.st_mtime) <= int(before.st_mtime):
        os.utime(path, ns=(now.st_atime_ns, (int(before.st_mtime) + 1) * 1_000_000_000))


def _copy_new_inode(source: str | os.PathLike, dest: str, fsync: bool, replaces: str | None = None) -> None:
    """Copy ``source`` to ``dest`` as a brand-new inode, replacing ``dest`` atomically: the old
    inode (possibly shared with other releases through hard links) is never opened for writing."""
    tmp = os.path.join(os.path.dirname(dest), f".{os.path.basename(dest)[:100]}.{secrets.token_hex(6)}.tmp")
    try:
        with open(source, "rb") as src, open(tmp, "xb") as dst:
            shutil.copyfileobj(src, dst)
            if fsync:
                dst.flush()
                os.fsync(dst.fileno())
        os.chmod(tmp, 0o644)
        if replaces:
            _newer_than(tmp, replaces)
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _ensure_dirs(root: str, rel_dir: str) -> None:
    """Create ``root/rel_dir`` folder by folder, replacing anything in the way that is not a real
    folder (a file or a symlink planted by an attacker must not redirect a write outside)."""
    current = root
    for part in rel_dir.split("/") if rel_dir else ():
        current = os.path.join(current, part)
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            os.mkdir(current)
            continue
        if not stat.S_ISDIR(st.st_mode):
            os.unlink(current)
            os.mkdir(current)


def _real_parents(root: str, rel: str) -> bool:
    """Whether every folder above ``rel`` is a real folder (no symlink): deleting through a planted
    symlinked folder would delete outside the site."""
    current = root
    for part in rel.split("/")[:-1]:
        current = os.path.join(current, part)
        try:
            if not stat.S_ISDIR(os.lstat(current).st_mode):
                return False
        except OSError:
            return False
    return True


def _remove_entry(path: str) -> None:
    """Delete a file, symlink or folder without following symlinks; missing is fine."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def walk_files(root: str) -> Iterable[tuple[str, os.DirEntry]]:
    """Every non-folder entry under ``root`` as ``(relative path, entry)``; never follows
    symlinks (a symlink is reported as an entry, not walked into)."""
    stack = [("", root)]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((rel + "/", entry.path))
                else:
                    yield rel, entry


def snapshot_tree(root: str) -> dict[str, str]:
    """``{path: sha256}`` of a served tree. Anything that is not a regular file (a symlink, a
    FIFO…) gets a hash no published file can have, so the watch reports and removes it."""
    result: dict[str, str] = {}
    for rel, entry in walk_files(root):
        if entry.is_file(follow_symlinks=False):
            result[rel] = sha256_file(entry.path)
        else:
            result[rel] = NOT_A_FILE
    return result


def restore_tree(root: str, writes: Mapping[str, Path], removes: Iterable[str]) -> None:
    """Repair a served tree in place, one file at a time, each with an atomic ``os.replace`` of a
    new inode (the damaged inode may be shared with older releases; it is left alone)."""
    removes = [(rel, _contained(root, check_removal_path(rel))) for rel in removes]  # all checked first
    writes = {check_output_path(rel): source for rel, source in writes.items()}
    for rel in writes:
        _contained(root, rel)
    for rel, path in removes:
        if _real_parents(root, rel):
            _remove_entry(path)
    for rel, source in writes.items():
        dest = _contained(root, rel)
        _ensure_dirs(root, rel.rpartition("/")[0])
        if os.path.isdir(dest) and not os.path.islink(dest):
            shutil.rmtree(dest)
        _copy_new_inode(source, dest, fsync=True, replaces=dest)


class LocalFolderTarget(FrontTarget):
    def __init__(self, name: str, path: str | os.PathLike):
        self.name = name
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"LocalFolderTarget({self.name!r}, {str(self.path)!r})"

    # -- layout -----------------------------------------------------------------------------

    def releases_dir(self, site_key: str) -> Path:
        return self.path / RELEASES / check_site_key(site_key)

    def release_dir(self, site_key: str, number: int) -> Path:
        return self.releases_dir(site_key) / str(int(number))

    def link_path(self, site_key: str) -> Path:
        return self.path / check_site_key(site_key)

    def served_dir(self, site_key: str) -> Path | None:
        """The real folder of the served release, resolved once (callers then work on that tree,
        so a switch in the middle of a walk cannot mix two releases)."""
        name = self._served_name(site_key)
        if name is None:
            return None
        folder = self.releases_dir(site_key) / name
        return folder if folder.is_dir() else None

    def _served_name(self, site_key: str) -> str | None:
        """The release folder name the site's link points at (normally ``<n>``; ``.tmp-<n>-…``
        only for an instant while a crashed, already served release is rebuilt)."""
        try:
            target = os.readlink(self.link_path(site_key))
        except OSError:
            return None
        head, _, name = target.rstrip("/").rpartition("/")
        return name if head == f"{RELEASES}/{site_key}" and name not in ("", ".", "..") else None

    def releases(self, site_key: str) -> list[int]:
        try:
            names = os.listdir(self.releases_dir(site_key))
        except FileNotFoundError:
            return []
        return sorted(n for n in map(release_number, names) if n is not None)

    # -- FrontTarget ------------------------------------------------------------------------

    def apply(self, site_key, base, new, writes, removes) -> None:
        folder = self.build_release(site_key, base, new, writes, removes)
        self.switch(site_key, new, folder)

    def build_release(
        self, site_key: str, base: int | None, new: int, writes: Mapping[str, Path], removes: Iterable[str]
    ) -> Path:
        """Build release ``new`` completely (not served yet) and return its folder."""
        new = int(new)
        if new < 0 or (base is not None and int(base) == new):
            raise TargetError(f"cannot build release {new} from release {base}")
        writes = {check_output_path(p): Path(s) for p, s in writes.items()}
        for source in writes.values():
            if not source.is_file():
                raise TargetError(f"build-store object missing: {source}")
        skip = {check_output_path(p) for p in removes} | set(writes)
        releases = self.releases_dir(site_key)
        base_dir = None
        if base is not None:
            base_dir = releases / str(int(base))
            if not base_dir.is_dir():
                raise BaseReleaseMissing(f"{self.name}: {site_key} does not hold release {base}")
        releases.mkdir(parents=True, exist_ok=True)
        self._clear_temporaries(releases, f".tmp-{new}-", keep=self._served_name(site_key))
        tmp = str(releases / f".tmp-{new}-{secrets.token_hex(4)}")
        try:
            os.mkdir(tmp)
            if base_dir is not None:
                self._link_farm(str(base_dir), tmp, skip)
            fsync_each = len(writes) <= _FSYNC_EACH_MAX
            made: set[str] = set()
            for rel, source in writes.items():
                dest = _contained(tmp, rel)
                parent = rel.rpartition("/")[0]
                if parent and parent not in made:
                    self._make_parents(tmp, parent, rel)
                    made.add(parent)
                if os.path.lexists(dest):
                    if os.path.isdir(dest) and not os.path.islink(dest):
                        raise TargetError(f"{rel} is a folder in release {base}; remove its files first")
                    os.unlink(dest)  # a hard link to a base inode: drop the name, never write into it
                # ``dest`` does not exist in our private temporary tree: copyfile creates a new inode
                shutil.copyfile(source, dest)
                if base_dir is not None:
                    _newer_than(dest, os.path.join(base_dir, rel))
                if fsync_each:
                    _fsync_file(dest)
            if not fsync_each:
                _syncfs(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        final = releases / str(new)
        if os.path.lexists(final):
            if self.served_release(site_key) == new:
                # Re-applying the served release after a crash: serve the fresh tree under its
                # temporary name while the stale folder is swapped out, so the link never
                # points at a missing folder (the temporary is removed by ``switch``).
                self._point(site_key, Path(tmp).name)
                trash = releases / f".trash-{new}-{secrets.token_hex(4)}"
                os.rename(final, trash)
                twin = str(releases / f".tmp-{new}-{secrets.token_hex(4)}")
                os.mkdir(twin)
                self._link_farm(tmp, twin, set())
                os.rename(twin, final)
            else:
                trash = releases / f".trash-{new}-{secrets.token_hex(4)}"
                os.rename(final, trash)
                os.rename(tmp, final)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.rename(tmp, final)
        _fsync_dir(str(releases))
        return final

    def switch(self, site_key: str, new: int, folder: Path | None = None) -> None:
        """Serve release ``new``: one atomic ``rename(2)`` of a fresh symlink over the old one."""
        if not (folder or self.release_dir(site_key, new)).is_dir():
            raise TargetError(f"{self.name}: {site_key} has no release {new} to serve")
        self._point(site_key, str(int(new)))
        self._clear_temporaries(self.releases_dir(site_key), f".tmp-{int(new)}-", keep=self._served_name(site_key))

    def _point(self, site_key: str, release_name: str) -> None:
        link = self.link_path(site_key)
        tmp_link = self.path / f".{site_key}.link-{secrets.token_hex(4)}"
        os.symlink(f"{RELEASES}/{site_key}/{release_name}", tmp_link)
        try:
            os.replace(tmp_link, link)
        except IsADirectoryError as exc:
            os.unlink(tmp_link)
            raise TargetError(f"{link} is a real folder, not a release link") from exc
        _fsync_dir(str(self.path))

    def served_release(self, site_key: str) -> int | None:
        name = self._served_name(site_key)
        if name is None:
            return None
        return served_number(name)

    def snapshot(self, site_key: str) -> dict[str, str]:
        folder = self.served_dir(site_key)
        return {} if folder is None else snapshot_tree(str(folder))

    def restore(self, site_key: str, writes, removes) -> None:
        folder = self.served_dir(site_key)
        if folder is None:
            raise TargetError(f"{self.name}: {site_key} has no served release to restore")
        restore_tree(str(folder), writes, removes)

    def sites(self) -> list[str]:
        keys = set()
        try:
            for entry in os.scandir(self.path):
                if entry.is_symlink() and _KEY.match(entry.name):
                    keys.add(entry.name)
        except FileNotFoundError:
            return []
        try:
            keys.update(n for n in os.listdir(self.path / RELEASES) if _KEY.match(n))
        except FileNotFoundError:
            pass
        return sorted(keys)

    def remove_site(self, site_key: str) -> None:
        link = self.link_path(site_key)
        if link.is_symlink():
            link.unlink()  # stop serving first
            _fsync_dir(str(self.path))
        shutil.rmtree(self.releases_dir(site_key), ignore_errors=True)

    def prune(self, site_key: str, keep: int = 3) -> None:
        releases_dir = self.releases_dir(site_key)
        served = self.served_release(site_key)
        numbers = self.releases(site_key)
        kept = set(numbers[-keep:] if keep > 0 else []) | {served}
        for number in numbers:
            if number not in kept:
                shutil.rmtree(releases_dir / str(number), ignore_errors=True)
        # leftovers of crashed applies (the pipeline runs apply and prune one at a time per site)
        self._clear_temporaries(releases_dir, ".tmp-", keep=self._served_name(site_key))
        self._clear_temporaries(releases_dir, ".trash-")

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _clear_temporaries(folder: Path, prefix: str, keep: str | None = None) -> None:
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return
        for name in names:
            if name.startswith(prefix) and name != keep:
                shutil.rmtree(folder / name, ignore_errors=True)

    @staticmethod
    def _link_farm(base: str, dest: str, skip: set[str]) -> None:
        """Hard-link every file of ``base`` into ``dest`` except ``skip``; folders emptied by
        ``skip`` are not created. Symlinks in a release are not published by us: not copied."""
        link = os.link
        stack = [("", base, dest)]
        while stack:
            prefix, src_dir, dst_dir = stack.pop()
            with os.scandir(src_dir) as entries:
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        sub = os.path.join(dst_dir, entry.name)
                        os.mkdir(sub)
                        stack.append((rel + "/", entry.path, sub))
                    elif rel not in skip and entry.is_file(follow_symlinks=False):
                        link(entry.path, os.path.join(dst_dir, entry.name))
        if skip:
            LocalFolderTarget._drop_empty_parents(dest, skip)

    @staticmethod
    def _drop_empty_parents(root: str, paths: Iterable[str]) -> None:
        folders = {p.rpartition("/")[0] for p in paths}
        for folder in sorted(folders, key=lambda f: -f.count("/")):
            while folder:
                try:
                    os.rmdir(os.path.join(root, folder))
                except OSError as exc:
                    if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT, errno.ENOTDIR):
                        break
                    raise
                folder = folder.rpartition("/")[0]

    @staticmethod
    def _make_parents(root: str, parent: str, rel: str) -> None:
        current = root
        for part in parent.split("/"):
            current = os.path.join(current, part)
            try:
                os.mkdir(current)
            except FileExistsError:
                if not os.path.isdir(current) or os.path.islink(current):
                    raise TargetError(f"cannot write {rel}: {part} is a file in the base release") from None
