"""RsyncTarget with the real rsync binary: to a local folder (the same scripts, run by a local
``sh``) and once over SSH to a private sshd on 127.0.0.1."""

import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from govsites.publishing.targets import BaseReleaseMissing, TargetError, build_target
from govsites.publishing.targets.local import NOT_A_FILE, LocalFolderTarget
from govsites.publishing.targets.rsync import RsyncTarget, parse_snapshot

from .support import free_port, read_tree, sha

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (scripts/system-deps.sh)")

KEY = "www.example.gov.cn"


@pytest.fixture
def target(tmp_path):
    return RsyncTarget("front1", str(tmp_path / "front"), staging=tmp_path / "staging")


def remote(target):
    return LocalFolderTarget("remote", target.root)


def test_push_full_then_delta(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "首页1", "zwdt/a.html": "A", "zwdt/b.html": "B"}), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "首页2", "xxgk/c.html": "C"}), ["zwdt/b.html"])
    assert target.served_release(KEY) == 2
    front = Path(target.root)
    assert os.readlink(front / KEY) == f".releases/{KEY}/2"
    assert read_tree(front / KEY) == {"index.html": "首页2", "zwdt/a.html": "A", "xxgk/c.html": "C"}
    assert read_tree(front / ".releases" / KEY / "1") == {"index.html": "首页1", "zwdt/a.html": "A", "zwdt/b.html": "B"}
    # --link-dest: the unchanged file is one inode on the front, shared by both releases
    one, two = front / ".releases" / KEY / "1", front / ".releases" / KEY / "2"
    assert os.stat(one / "zwdt/a.html").st_ino == os.stat(two / "zwdt/a.html").st_ino
    assert os.stat(one / "index.html").st_ino != os.stat(two / "index.html").st_ino
    assert not list((front / ".releases" / KEY).glob(".*"))  # no temporaries left
    assert target.staging.served_release(KEY) == 2  # the staging copy mirrors the front


def test_same_sized_rewrites_within_a_second_are_pushed(target, store):
    """rsync's quick check (size + mtime) must never link a rewritten page to its old version."""
    target.apply(KEY, None, 1, store.writes({"index.html": "1"}), [])
    for n in range(2, 6):
        target.apply(KEY, n - 1, n, store.writes({"index.html": str(n)}), [])
        assert read_tree(Path(target.root) / KEY) == {"index.html": str(n)}


def test_missing_base_on_the_front_or_in_staging(target, store, tmp_path):
    with pytest.raises(BaseReleaseMissing):
        target.apply(KEY, 3, 4, {}, [])
    target.apply(KEY, None, 1, store.writes({"index.html": "x"}), [])
    shutil.rmtree(target.staging.path)  # staging lost (new worker host): a full push follows
    with pytest.raises(BaseReleaseMissing):
        target.apply(KEY, 1, 2, {}, [])
    assert target.served_release(KEY) == 1
    target.apply(KEY, None, 2, store.writes({"index.html": "y"}), [])
    assert read_tree(Path(target.root) / KEY) == {"index.html": "y"}


def test_reapply_after_a_crash(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "v1"}), [])
    releases = Path(target.root) / ".releases" / KEY
    (releases / ".tmp-2").mkdir()  # a push that died half-way
    (releases / ".tmp-2" / "junk.html").write_text("junk")
    target.apply(KEY, 1, 2, store.writes({"a.html": "a"}), [])
    assert read_tree(Path(target.root) / KEY) == {"index.html": "v1", "a.html": "a"}
    # killed after the remote switch, before the publisher recorded it: same number again
    target.apply(KEY, 1, 2, store.writes({"b.html": "b"}), [])
    assert target.served_release(KEY) == 2
    assert read_tree(Path(target.root) / KEY) == {"index.html": "v1", "b.html": "b"}
    assert sorted(os.listdir(releases)) == ["1", "2"]
    # killed in the middle of that: the link was left on the fresh tree's twin
    subprocess.run(["cp", "-al", str(releases / "2"), str(releases / ".twin-2-dead")], check=True)
    os.symlink(f".releases/{KEY}/.twin-2-dead", Path(target.root) / ".tmp-link")
    os.replace(Path(target.root) / ".tmp-link", Path(target.root) / KEY)
    assert target.served_release(KEY) == 2
    target.apply(KEY, 1, 2, store.writes({"c.html": "c"}), [])
    assert read_tree(Path(target.root) / KEY) == {"index.html": "v1", "c.html": "c"}
    assert sorted(os.listdir(releases)) == ["1", "2"]


def test_snapshot_restore_prune_sites_remove(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "i", "a.html": "A"}), [])
    for n in range(2, 6):
        target.apply(KEY, n - 1, n, store.writes({"index.html": f"i{n}"}), [])
    expected = {"index.html": sha("i5"), "a.html": sha("A")}
    assert target.snapshot(KEY) == expected
    live = Path(target.root) / KEY
    (live / "a.html").write_text("tampered")
    (live / "shell.php").write_text("x")
    assert target.snapshot(KEY)["a.html"] == sha("tampered")
    target.restore(KEY, store.writes({"a.html": "A"}), ["shell.php"])
    assert target.snapshot(KEY) == expected

    (Path(target.root) / ".releases" / KEY / ".tmp-9").mkdir()
    target.prune(KEY, keep=2)
    assert sorted(os.listdir(Path(target.root) / ".releases" / KEY)) == ["4", "5"]
    assert target.staging.releases(KEY) == [4, 5]

    target.apply("site-7", None, 1, store.writes({"index.html": "7"}), [])
    assert target.sites() == ["site-7", KEY]
    target.remove_site("site-7")
    assert target.sites() == [KEY]
    assert target.served_release("site-7") is None
    assert target.staging.sites() == [KEY]


@pytest.mark.parametrize(
    "destination",
    ["front:relative/path", "-oProxyCommand=touch${IFS}/tmp/x:/srv/front", "host:/srv/front;rm -rf /",
     "host:/srv/fr ont", "host:/srv/$(id)", "host:/", "/srv/../etc", "relative/front"],
)
def test_unsafe_destinations_are_refused(destination, tmp_path):
    with pytest.raises(ValueError):
        RsyncTarget("x", destination, staging=tmp_path / "s")


def test_remote_destination_is_parsed(tmp_path):
    target = RsyncTarget("x", "deploy@10.0.0.5:/srv/govsites/front/", staging=tmp_path / "s")
    assert (target.host, target.root) == ("deploy@10.0.0.5", "/srv/govsites/front")


def test_configured_from_settings(settings, tmp_path):
    settings.GOVSITES_PUBLISHING = {"BUILD_DIR": tmp_path / "build", "TARGETS": []}
    target = build_target({"name": "front1", "kind": "rsync", "destination": "deploy@front1:/srv/front",
                           "ssh_options": ["-i", "/etc/govsites/id"]})
    assert isinstance(target, RsyncTarget)
    assert target.staging.path == tmp_path / "build" / "staging" / "front1"


def test_parse_snapshot_with_odd_names():
    h1, h2 = "a" * 64, "b" * 64
    output = f"{h1}  ./index.html\0{h2}  ./we ird\nname.php\0\0./link.html\0".encode()
    assert parse_snapshot(output) == {"index.html": h1, "we ird\nname.php": h2, "link.html": NOT_A_FILE}
    assert parse_snapshot(b"\0") == {}
    assert parse_snapshot(b"") == {}


# -- over SSH --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """A private sshd on 127.0.0.1 (its own host key, one authorized key, this user only)."""
    binary = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    if binary is None or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("openssh-server/openssh-client not installed (scripts/system-deps.sh)")
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    folder = tmp_path_factory.mktemp("sshd")
    folder.chmod(0o700)
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True)
    # SHLVL=1 (the key's environment): bash then skips ~/.bashrc for ssh commands; the account's
    # interactive start-up files (pyenv init…) cost ~0.7 s per command and are not under test
    (folder / "authorized_keys").write_text(f'environment="SHLVL=1" {(folder / "client_key.pub").read_text()}')
    port = free_port()
    host_pub = (folder / "host_key.pub").read_text().split()
    (folder / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
    (folder / "sshd_config").write_text(
        "\n".join([
            "ListenAddress 127.0.0.1",
            f"HostKey {folder / 'host_key'}",
            f"AuthorizedKeysFile {folder / 'authorized_keys'}",
            f"PidFile {folder / 'sshd.pid'}",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            "StrictModes no",
            "PermitUserEnvironment SHLVL",
            "UsePAM no",
            f"AllowUsers {getpass.getuser()}",
            "LogLevel ERROR",
            "",
        ])
    )
    proc = subprocess.Popen(
        [binary, "-f", str(folder / "sshd_config"), "-D", "-e", "-p", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    options = ["-i", str(folder / "client_key"), "-p", str(port), "-o", f"UserKnownHostsFile={folder / 'known_hosts'}",
               "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.skip(f"sshd cannot run here: {proc.stdout.read().decode(errors='replace')[-300:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    probe = subprocess.run(["ssh", *options, "-o", "BatchMode=yes", f"{getpass.getuser()}@127.0.0.1", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        proc.kill()
        pytest.skip(f"cannot log in to the test sshd: {probe.stderr.decode(errors='replace')[-300:]}")
    yield options
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.rule("SEC-01")
def test_push_over_ssh(sshd, store, tmp_path):
    """The production shape: the front host is reached only by ssh/rsync; everything (apply, the
    remote switch, snapshot by sha256sum, restore, prune) runs through fixed, quoted commands."""
    front = tmp_path / "remote-front"
    target = RsyncTarget("front1", f"{getpass.getuser()}@127.0.0.1:{front}", ssh_options=sshd,
                         staging=tmp_path / "staging")
    try:
        _push_over_ssh(target, front, store)
    finally:
        target.close()


def _push_over_ssh(target, front, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "首页1", "zwdt/a.html": "A", "zwdt/b.html": "B"}), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "首页2"}), ["zwdt/b.html"])
    assert target.served_release(KEY) == 2
    assert read_tree(front / KEY) == {"index.html": "首页2", "zwdt/a.html": "A"}
    releases = front / ".releases" / KEY
    assert os.stat(releases / "1" / "zwdt/a.html").st_ino == os.stat(releases / "2" / "zwdt/a.html").st_ino

    expected = {"index.html": sha("首页2"), "zwdt/a.html": sha("A")}
    assert target.snapshot(KEY) == expected
    (front / KEY / "zwdt/a.html").write_text("tampered")
    (front / KEY / "web shell.php").write_text("x")
    os.symlink("/etc/passwd", front / KEY / "passwd.html")
    assert target.snapshot(KEY) == {**expected, "zwdt/a.html": sha("tampered"), "web shell.php": sha("x"),
                                    "passwd.html": NOT_A_FILE}
    target.restore(KEY, store.writes({"zwdt/a.html": "A"}), ["web shell.php", "passwd.html"])
    assert target.snapshot(KEY) == expected
    assert os.path.exists("/etc/passwd")
    victim = front.parent / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("k")
    os.symlink(victim, front / KEY / "dir")
    target.restore(KEY, {}, ["dir/keep.txt", "dir"])  # the symlink goes, never what it points at
    assert (victim / "keep.txt").exists() and not os.path.lexists(front / KEY / "dir")
    shutil.rmtree(front / KEY / "zwdt")
    os.symlink(victim, front / KEY / "zwdt")  # a folder swapped for a symlink: never written through
    target.restore(KEY, store.writes({"zwdt/a.html": "A"}), [])
    assert sorted(os.listdir(victim)) == ["keep.txt"]
    assert target.snapshot(KEY) == expected

    target.apply(KEY, 2, 3, store.writes({"index.html": "首页3"}), [])
    target.prune(KEY, keep=1)
    assert sorted(os.listdir(releases)) == ["3"]
    assert target.sites() == [KEY]
    target.remove_site(KEY)
    assert target.sites() == []
    assert target.snapshot(KEY) == {}


def test_ssh_failure_is_a_target_error(store, tmp_path):
    target = RsyncTarget("front1", "nobody@127.0.0.1:/srv/front", staging=tmp_path / "staging",
                         ssh_options=["-p", str(free_port()), "-o", "ConnectTimeout=2"])
    with pytest.raises(TargetError):
        target.apply(KEY, None, 1, store.writes({"index.html": "x"}), [])
    assert not (tmp_path / "staging" / KEY).exists()  # nothing staged as served


def test_delta_pushes_only_the_written_files(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "i", "old/x.html": "x", **{f"p/{i}.html": str(i) for i in range(50)}}), [])
    calls = []
    real = target._rsync
    target._rsync = lambda args, source, dest, stdin=b"": calls.append(stdin) or real(args, source, dest, stdin)
    target.apply(KEY, 1, 2, store.writes({"p/7.html": "seven"}), ["old/x.html"])
    assert calls == [b"p/7.html\0"]
    tree = read_tree(Path(target.root) / KEY)
    assert tree["p/7.html"] == "seven" and len(tree) == 51 and "old/x.html" not in tree
    assert not (Path(target.root) / KEY / "old").exists()  # emptied folders go too
    assert read_tree(Path(target.root) / ".releases" / KEY / "1")["p/7.html"] == "7"
