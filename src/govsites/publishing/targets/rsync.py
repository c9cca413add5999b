"""A front folder on another host, reached with rsync over SSH (the production shape of SEC-01:
the front host runs nginx and sshd only, never application code).

The remote folder has the same layout as :class:`~.local.LocalFolderTarget` (``<key>`` symlink →
``.releases/<key>/<n>``). ``apply``:

1. builds release ``n`` in a local *staging* ``LocalFolderTarget`` (hard-link farm of ``base``
   plus the writes, exactly as a local target does): the source of every push;
2. on the host, in one ``sh`` script, makes ``.releases/<key>/.tmp-<n>`` a hard-link farm of the
   host's own ``<base>`` (``cp -al``) and drops the names of the removed and rewritten files
   (NUL-separated on stdin), so the base release's inodes are never written;
3. pushes only the written files into it with ``rsync -a --files-from=- --from0 --ignore-times``
   (a full push, ``base=None``, sends the whole staging tree with ``rsync -a --hard-links``);
4. in one remote ``sh`` script, renames ``.tmp-<n>`` to ``<n>`` (moving a stale ``<n>`` left by a
   crash aside) and replaces the ``<key>`` symlink with ``mv -T`` of a fresh symlink, which is a
   single ``rename(2)``: readers see the old release or the new one, never a mix.

Why not ``rsync --link-dest=../<base>`` of the whole staging tree: rsync then compares every file
of the site on both sides on every publish (measured: ~2 s for a 20,000-file site, growing with
the site), and it links a file whenever size and mtime *seconds* match, so a same-sized page
rewritten within one second would be linked to its old version. ``cp -al`` on the host plus the
written files only costs what the local target costs, and nothing is decided by timestamps.

Every remote command is one ``sh -c`` string built from ``shlex.quote``-d words and run as
``ssh [options] -- host 'sh -c …'`` (argument lists, no local shell). The front host needs a POSIX
``sh``, GNU coreutils (``mv -T``, ``cp -al``, ``sha256sum -z``), GNU ``find`` and ``xargs`` and
``rsync``.

A *plain path* destination runs the very same scripts with a local ``sh`` and rsync between two
local folders, which is how the tests exercise this code without a network.

``snapshot`` on a remote host runs (in the physical folder of the served release)::

    find . -type f -print0 | xargs -0 -r sha256sum -z --   # <hash>  ./path\\0 per file
    printf '\\0'                                            # separator
    find . ! -type d ! -type f -print0                    # symlinks, FIFOs…: reported, never hashed

and ``restore`` pushes the repaired files with rsync into ``<root>/<key>/`` (rsync writes each file
to a temporary name and renames it: a new inode, atomic per file) and deletes the others with
``rm -rf --``. For a plain-path destination both use the :class:`~.local.LocalFolderTarget` code.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .base import BaseReleaseMissing, FrontTarget, TargetError
from .local import (
    NOT_A_FILE,
    RELEASES,
    LocalFolderTarget,
    check_output_path,
    check_removal_path,
    check_site_key,
    release_number,
    served_number,
)

_REMOTE = re.compile(r"^(?P<host>(?:[A-Za-z0-9_][A-Za-z0-9._-]*@)?(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])):(?P<path>.*)$")
#: the remote root goes into rsync's remote argument and ssh command lines: keep it boring
_SAFE_ROOT = re.compile(r"^/[A-Za-z0-9._/+-]*$")
_MISSING_BASE = 3


class RsyncTarget(FrontTarget):
    def __init__(
        self,
        name: str,
        destination: str,
        ssh_options: Iterable[str] = (),
        staging: str | os.PathLike | None = None,
        *,
        rsync: str = "rsync",
        ssh: str = "ssh",
        timeout: float = 3600,
        multiplex: bool = True,
    ):
        self.name = name
        match = _REMOTE.match(destination) if not destination.startswith("/") else None
        if match:
            self.host, root = match.group("host"), match.group("path")
        else:
            self.host, root = None, destination
        root = root.rstrip("/") or "/"
        if not _SAFE_ROOT.match(root) or "/../" in f"{root}/" or root == "/":
            raise ValueError(
                f"destination folder must be an absolute path of letters, digits and ._+-/ : {destination!r}"
            )
        self.root = root
        self.ssh_options = list(ssh_options)
        if any(not isinstance(o, str) or "\n" in o for o in self.ssh_options):
            raise ValueError("ssh_options must be single-line strings")
        if staging is None:
            from django.conf import settings

            staging = Path(settings.GOVSITES_PUBLISHING["BUILD_DIR"]) / "staging" / name
        self.staging = LocalFolderTarget(f"{name}-staging", staging)
        if self.host is None and Path(staging).resolve() == Path(root).resolve():
            raise ValueError("staging folder and destination must differ")
        self.rsync, self.ssh, self.timeout, self.multiplex = rsync, ssh, timeout, multiplex
        self._local = LocalFolderTarget(name, root) if self.host is None else None

    def __repr__(self) -> str:
        return f"RsyncTarget({self.name!r}, {self.destination!r})"

    @property
    def destination(self) -> str:
        return f"{self.host}:{self.root}" if self.host else self.root

    # -- plumbing ---------------------------------------------------------------------------

    def _ssh_argv(self) -> list[str]:
        argv = [self.ssh, *self.ssh_options, "-o", "BatchMode=yes", "-o", "ConnectTimeout=15"]
        control = _control_dir() if self.multiplex else None
        if control:
            # one SSH connection reused by the handful of commands of each apply (a new
            # connection costs ~0.5 s of key exchange), kept for a minute between publishes
            argv += ["-o", "ControlMaster=auto", "-o", f"ControlPath={control}/%C", "-o", "ControlPersist=60"]
        return argv

    def close(self) -> None:
        """End the shared SSH connection now rather than after ``ControlPersist``."""
        if self.host and self.multiplex and _control_dir():
            subprocess.run(  # noqa: S603
                [*self._ssh_argv(), "-O", "exit", "--", self.host], capture_output=True, timeout=30, check=False
            )

    def _run(
        self, script: str, *, timeout: float | None = None, check: bool = True, stdin: bytes = b""
    ) -> subprocess.CompletedProcess:
        """Run one POSIX ``sh`` script on the front host (or locally for a plain-path destination)."""
        if self.host:
            argv = [*self._ssh_argv(), "--", self.host, "sh -c " + shlex.quote(script)]
        else:
            argv = ["sh", "-c", script]
        try:
            done = subprocess.run(  # noqa: S603
                argv, input=stdin, capture_output=True, timeout=timeout or 300, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TargetError(f"{self.name}: {exc}") from exc
        if check and done.returncode != 0:
            raise TargetError(f"{self.name}: remote command failed ({done.returncode}): {_tail(done.stderr)}")
        return done

    def _rsync(self, args: list[str], source: str, dest: str, stdin: bytes = b"") -> None:
        argv = [self.rsync, *args]
        if self.host:
            argv += ["-e", shlex.join(self._ssh_argv())]
            dest = f"{self.host}:{dest}"
        argv += ["--", source, dest]
        try:
            done = subprocess.run(  # noqa: S603
                argv, input=stdin, capture_output=True, timeout=self.timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TargetError(f"{self.name}: rsync: {exc}") from exc
        if done.returncode != 0:
            raise TargetError(f"{self.name}: rsync failed ({done.returncode}): {_tail(done.stderr)}")

    def _q(self, *parts: str) -> str:
        return shlex.quote("/".join((self.root, *parts)))

    # -- FrontTarget ------------------------------------------------------------------------

    def apply(self, site_key, base, new, writes, removes) -> None:
        key = check_site_key(site_key)
        new = int(new)
        writes = {check_output_path(p): Path(src) for p, src in writes.items()}
        removes = sorted({check_output_path(p) for p in removes})
        if base is not None and not self.staging.release_dir(key, base).is_dir():
            # the front may have it, but our staging copy is gone: a full push rebuilds both
            raise BaseReleaseMissing(f"{self.staging.name}: {key} does not hold release {base}")
        releases = self._q(RELEASES, key)
        prepare = ["set -e", f"mkdir -p -- {releases}", f"cd -- {releases}", f"rm -rf -- .tmp-{new}"]
        if base is None:
            prepare.append(f"mkdir -- .tmp-{new}")
        else:
            prepare += [
                f"[ -d {int(base)} ] || exit {_MISSING_BASE}",
                f"cp -al -- {int(base)} .tmp-{new}",  # the hard-link farm, built on the front host
                f"cd -- .tmp-{new}",
                # drop the names of removed and rewritten files (stdin, NUL-separated): the new
                # versions arrive as new inodes, the base release's inodes are never written
                "xargs -0 -r rm -rf --",
                "find . -mindepth 1 -type d -empty -delete",
            ]
        dropped = "".join(f"{p}\0" for p in [*removes, *writes]).encode()
        done = self._run("\n".join(prepare), check=False, stdin=dropped)
        if done.returncode == _MISSING_BASE:
            raise BaseReleaseMissing(f"{self.name}: {key} does not hold release {base}")
        if done.returncode != 0:
            raise TargetError(f"{self.name}: cannot prepare release {new}: {_tail(done.stderr)}")

        folder = self.staging.build_release(key, base, new, writes, removes)
        dest = f"{self.root}/{RELEASES}/{key}/.tmp-{new}/"
        if base is None:
            self._rsync(["-a", "--hard-links"], f"{folder}/", dest)
        elif writes:
            # only the written files cross the network (O(delta), whatever the site's size)
            listed = "".join(f"{p}\0" for p in writes).encode()
            self._rsync(["-a", "--ignore-times", "--files-from=-", "--from0"], f"{folder}/", dest, stdin=listed)
        self._run(self._finalize_script(key, new))
        self.staging.switch(key, new, folder)

    def _finalize_script(self, key: str, new: int) -> str:
        """Rename ``.tmp-<n>`` into place and switch the link; see the module docstring."""
        token = secrets.token_hex(4)
        link, tmp_link = self._q(key), self._q(f".{key}.link-{token}")
        twin = f".twin-{new}-{token}"
        target_new, target_twin = f"{RELEASES}/{key}/{new}", f"{RELEASES}/{key}/{twin}"
        return "\n".join(
            [
                "set -e",
                f"cd -- {self._q(RELEASES, key)}",
                "sync -f . 2>/dev/null || sync",  # the pushed files are on disk before they are served
                f"served=$(readlink -- {link} 2>/dev/null || true)",
                f"if [ -e {new} ] || [ -L {new} ]; then",
                f'  if [ "$served" = {shlex.quote(target_new)} ]; then',
                # re-applying the served release after a crash: serve the fresh tree under a
                # twin name (hard links, instant) while the stale folder is swapped out, so the
                # link never points at a missing folder, whatever step a new crash interrupts
                f"    cp -al -- .tmp-{new} {twin}",
                f"    ln -s -- {shlex.quote(target_twin)} {tmp_link}",
                f"    mv -T -- {tmp_link} {link}",
                "  fi",
                f"  mv -T -- {new} .trash-{new}-{token}",
                "fi",
                f"mv -T -- .tmp-{new} {new}",
                f"ln -s -- {shlex.quote(target_new)} {tmp_link}",
                f"mv -T -- {tmp_link} {link}",
                f"rm -rf -- .trash-{new}-* .twin-{new}-*",
            ]
        )

    def served_release(self, site_key: str) -> int | None:
        key = check_site_key(site_key)
        done = self._run(f"readlink -- {self._q(key)} || true")
        head, _, name = done.stdout.decode(errors="replace").strip().rpartition("/")
        return served_number(name) if head == f"{RELEASES}/{key}" else None

    def snapshot(self, site_key: str) -> dict[str, str]:
        key = check_site_key(site_key)
        if self._local is not None:
            return self._local.snapshot(key)
        script = "\n".join(
            [
                f"cd -P -- {self._q(key)} 2>/dev/null || exit 0",
                "find . -type f -print0 | xargs -0 -r sha256sum -z --",
                r"printf '\0'",
                "find . ! -type d ! -type f -print0",
            ]
        )
        return parse_snapshot(self._run(script).stdout)

    def restore(self, site_key: str, writes: Mapping[str, Path], removes: Iterable[str]) -> None:
        key = check_site_key(site_key)
        if self._local is not None:
            return self._local.restore(key, writes, removes)
        removes = [check_removal_path(p) for p in removes]
        writes = {check_output_path(p): Path(s) for p, s in writes.items()}
        if self.served_release(key) is None:
            raise TargetError(f"{self.name}: {key} has no served release to restore")
        if removes:
            # each path only if no folder above it is a symlink (its physical and logical
            # locations agree): deleting through a planted symlinked folder would reach outside
            words = " ".join(shlex.quote(p) for p in removes)
            self._run(
                f"set -e\ncd -P -- {self._q(key)}\nhere=$(pwd -P)\n"
                f"for p in {words}; do\n"
                '  d=$(dirname -- "$p")\n'
                '  if [ "$d" = . ] || [ "$(cd -P -- "$d" 2>/dev/null && pwd -P)" = "$here/$d" ]; then\n'
                '    rm -rf -- "$p"\n'
                "  fi\n"
                "done"
            )
        if writes:
            self.staging.path.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=".restore-", dir=self.staging.path) as tmp:
                for rel, source in writes.items():
                    dest = Path(tmp, rel)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)
                    dest.chmod(0o644)
                # Into the served release through the link. --ignore-times: a tampered file may
                # have kept its size and mtime, the quick check must not skip it; no --times: the
                # repaired file is newer than the damaged one (ETag / Last-Modified change).
                # Without -K (--keep-dirlinks) a symlinked folder planted by an attacker is
                # replaced by a real folder, never written through.
                self._rsync(
                    ["-r", "--ignore-times", "--force", "--omit-dir-times", "--chmod=D755,F644"],
                    f"{tmp}/",
                    f"{self.root}/{key}/",
                )
        return None

    def sites(self) -> list[str]:
        script = "\n".join(
            [
                f"cd -- {self._q()} 2>/dev/null || exit 0",
                'for f in *; do [ -L "$f" ] && printf "%s\\n" "$f"; done',
                f'[ -d {RELEASES} ] && cd {RELEASES} && for f in *; do [ -d "$f" ] && printf "%s\\n" "$f"; done',
                "exit 0",
            ]
        )
        names = set(self._run(script).stdout.decode(errors="replace").split("\n"))
        keys = set()
        for n in names:
            try:
                keys.add(check_site_key(n))
            except TargetError:
                continue
        return sorted(keys)

    def remove_site(self, site_key: str) -> None:
        key = check_site_key(site_key)
        self._run(f"rm -f -- {self._q(key)}\nrm -rf -- {self._q(RELEASES, key)}")
        self.staging.remove_site(key)

    def prune(self, site_key: str, keep: int = 3) -> None:
        key = check_site_key(site_key)
        script = f"cd -- {self._q(RELEASES, key)} 2>/dev/null || exit 0\nreadlink -- {self._q(key)} || echo\nls -1A"
        lines = self._run(script).stdout.decode(errors="replace").split("\n")
        if not lines or not lines[0]:
            served_name = ""
        else:
            served_name = lines[0].rpartition("/")[2]
        names = [n for n in lines[1:] if n]
        numbers = sorted(n for n in map(release_number, names) if n is not None)
        kept = set(numbers[-keep:] if keep > 0 else []) | {served_number(served_name)}
        doomed = [str(n) for n in numbers if n not in kept]
        doomed += [n for n in names if (n.startswith((".tmp-", ".trash-", ".twin-"))) and n != served_name]
        if doomed:
            words = " ".join(shlex.quote(n) for n in doomed)
            self._run(f"set -e\ncd -- {self._q(RELEASES, key)}\nrm -rf -- {words}")
        self.staging.prune(key, keep)


def _control_dir() -> str | None:
    """A private folder for SSH control sockets (short path: sockets are limited to ~100 bytes);
    ``None`` (no multiplexing) if it cannot be made private to this user."""
    folder = os.path.join(tempfile.gettempdir(), f"govsites-ssh-{os.getuid()}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return folder


def parse_snapshot(output: bytes) -> dict[str, str]:
    """Parse the remote ``snapshot`` script's output (see the module docstring)."""
    result: dict[str, str] = {}
    records = output.split(b"\0")
    specials = False
    for record in records:
        if not record:
            if specials:
                continue
            specials = True
            continue
        if specials:
            result[_rel(record)] = NOT_A_FILE
            continue
        digest, sep, name = record.partition(b"  ")
        if not sep or len(digest) != 64:
            raise TargetError(f"unexpected snapshot line: {record[:200]!r}")
        result[_rel(name)] = digest.decode("ascii")
    return result


def _rel(name: bytes) -> str:
    text = os.fsdecode(name)
    return text[2:] if text.startswith("./") else text


def _tail(stderr: bytes) -> str:
    return stderr.decode(errors="replace").strip()[-500:]
