"""LocalFolderTarget: hard-link farms, atomic switch, crash safety, path safety, watch support."""

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from govsites.publishing.targets import BaseReleaseMissing, TargetError
from govsites.publishing.targets.local import NOT_A_FILE, LocalFolderTarget

from .support import read_tree, sha

KEY = "www.example.gov.cn"
SRC = str(Path(__file__).resolve().parents[3] / "src")


@pytest.fixture
def target(tmp_path):
    return LocalFolderTarget("local", tmp_path / "front")


def served(target, key=KEY):
    return read_tree(target.path / key)


def test_full_push_then_delta(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "首页1", "zwdt/a.html": "A", "zwdt/b.html": "B"}), [])
    assert target.served_release(KEY) == 1
    assert os.readlink(target.path / KEY) == f".releases/{KEY}/1"  # relative: the folder can move
    assert served(target) == {"index.html": "首页1", "zwdt/a.html": "A", "zwdt/b.html": "B"}

    target.apply(KEY, 1, 2, store.writes({"index.html": "首页2", "xxgk/c.html": "C"}), ["zwdt/b.html"])
    assert target.served_release(KEY) == 2
    assert served(target) == {"index.html": "首页2", "zwdt/a.html": "A", "xxgk/c.html": "C"}
    one, two = target.release_dir(KEY, 1), target.release_dir(KEY, 2)
    # the old release is untouched, unchanged files are shared inodes, changed ones are new
    assert read_tree(one) == {"index.html": "首页1", "zwdt/a.html": "A", "zwdt/b.html": "B"}
    assert os.stat(one / "zwdt/a.html").st_ino == os.stat(two / "zwdt/a.html").st_ino
    assert os.stat(one / "index.html").st_ino != os.stat(two / "index.html").st_ino
    assert os.stat(one / "zwdt/a.html").st_nlink == 2


def test_files_are_copied_from_the_build_store_never_linked(target, store):
    writes = store.writes({"index.html": "首页"})
    target.apply(KEY, None, 1, writes, [])
    front_file = target.path / KEY / "index.html"
    assert os.stat(front_file).st_ino != os.stat(writes["index.html"]).st_ino
    front_file.write_text("被篡改")  # tampering on the front host ...
    assert writes["index.html"].read_text() == "首页"  # ... cannot reach the store


def test_removing_the_last_file_of_a_folder_removes_the_folder(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "i", "old/deep/x.html": "x"}), [])
    target.apply(KEY, 1, 2, {}, ["old/deep/x.html"])
    assert not (target.release_dir(KEY, 2) / "old").exists()
    assert served(target) == {"index.html": "i"}


def test_missing_base_release(target, store):
    with pytest.raises(BaseReleaseMissing):
        target.apply(KEY, 4, 5, store.writes({"index.html": "x"}), [])
    target.apply(KEY, None, 1, store.writes({"index.html": "x"}), [])
    target.prune(KEY, keep=1)
    with pytest.raises(BaseReleaseMissing):
        target.apply(KEY, 0, 2, {}, [])


def test_missing_build_store_object_is_an_error_and_changes_nothing(target, store, tmp_path):
    target.apply(KEY, None, 1, store.writes({"index.html": "x"}), [])
    with pytest.raises(TargetError):
        target.apply(KEY, 1, 2, {"a.html": tmp_path / "nope"}, [])
    assert target.served_release(KEY) == 1
    assert target.releases(KEY) == [1]


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "../x.html", "a/../../x.html", "a/..", "..", ".", "./a.html", "a/./b.html", "a//b.html",
     "a/", "", "a\\..\\b.html", "a\\b.html", "a\x00b.html", "a\nb.html"],
)
def test_unsafe_output_paths_are_refused(target, store, path):
    target.apply(KEY, None, 1, store.writes({"index.html": "x"}), [])
    with pytest.raises(TargetError):
        target.apply(KEY, 1, 2, {path: store("evil")}, [])
    with pytest.raises(TargetError):
        target.apply(KEY, 1, 2, {}, [path])
    with pytest.raises(TargetError):
        target.restore(KEY, {path: store("evil")}, [])
    assert target.served_release(KEY) == 1
    assert served(target) == {"index.html": "x"}
    assert not (target.path.parent / "x.html").exists()


@pytest.mark.parametrize("key", ["../front", ".releases", "a/b", "", "-rf", "a..b", "x\ny"])
def test_unsafe_site_keys_are_refused(target, store, key):
    with pytest.raises(TargetError):
        target.apply(key, None, 1, store.writes({"index.html": "x"}), [])


def test_a_write_never_modifies_an_inode_shared_with_the_base(target, store):
    target.apply(KEY, None, 1, store.writes({"a.html": "v1", "b.html": "b"}), [])
    base_inode = os.stat(target.release_dir(KEY, 1) / "a.html").st_ino
    target.apply(KEY, 1, 2, store.writes({"a.html": "v2"}), [])
    target.apply(KEY, 2, 3, store.writes({"a.html": "v3"}), [])
    assert (target.release_dir(KEY, 1) / "a.html").read_text() == "v1"
    assert os.stat(target.release_dir(KEY, 1) / "a.html").st_ino == base_inode
    assert (target.release_dir(KEY, 2) / "a.html").read_text() == "v2"


def test_reapplying_a_number_after_a_crash_starts_afresh(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "v1"}), [])
    # a crash left a half-built temporary and a stale, never served release 2
    stale = target.releases_dir(KEY) / "2"
    stale.mkdir()
    (stale / "junk.html").write_text("half")
    (target.releases_dir(KEY) / ".tmp-2-dead").mkdir()
    target.apply(KEY, 1, 2, store.writes({"new.html": "n"}), [])
    assert served(target) == {"index.html": "v1", "new.html": "n"}
    assert not list(target.releases_dir(KEY).glob(".tmp-2-*"))


def test_reapplying_the_served_number_keeps_serving_throughout(target, store):
    """A crash after the switch but before the publisher recorded the release: the same number
    comes again; the link must never dangle and the fresh tree wins."""
    target.apply(KEY, None, 1, store.writes({"index.html": "v1"}), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "v2-first-try"}), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "v2"}), [])
    assert target.served_release(KEY) == 2
    assert served(target) == {"index.html": "v2"}
    assert sorted(os.listdir(target.releases_dir(KEY))) == ["1", "2"]


def test_snapshot_and_restore(target, store, tmp_path):
    files = {"index.html": "首页", "zwdt/a.html": "A", "zwdt/b.html": "B"}
    target.apply(KEY, None, 1, store.writes(files), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "首页2"}), [])
    expected = {"index.html": sha("首页2"), "zwdt/a.html": sha("A"), "zwdt/b.html": sha("B")}
    assert target.snapshot(KEY) == expected

    live = target.path / KEY
    (live / "zwdt/a.html").write_text("<script>挂马</script>")  # in place: shared with release 1 too
    (live / "zwdt/b.html").unlink()
    (live / "shell.php").write_text("<?php eval($_POST[x]);")
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    os.symlink(outside, live / "link.html")
    snap = target.snapshot(KEY)
    assert snap["zwdt/a.html"] == sha("<script>挂马</script>")
    assert "zwdt/b.html" not in snap
    assert snap["shell.php"] == sha("<?php eval($_POST[x]);")
    assert snap["link.html"] == NOT_A_FILE

    a_inode = os.stat(live / "zwdt/a.html").st_ino
    target.restore(KEY, store.writes({"zwdt/a.html": "A", "zwdt/b.html": "B"}), ["shell.php", "link.html"])
    assert target.snapshot(KEY) == expected
    assert os.stat(live / "zwdt/a.html").st_ino != a_inode  # a new inode, atomically replaced
    assert outside.read_text() == "secret"


def test_restore_never_writes_through_a_planted_symlink(target, store, tmp_path):
    target.apply(KEY, None, 1, store.writes({"index.html": "i", "zwdt/a.html": "A"}), [])
    live = Path(os.path.realpath(target.path / KEY))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import shutil

    shutil.rmtree(live / "zwdt")
    os.symlink(elsewhere, live / "zwdt")  # the attacker swaps a folder for a symlink
    (elsewhere / "victim.txt").write_text("v")
    target.restore(KEY, {}, ["zwdt/victim.txt"])  # never deleted through the symlink
    assert (elsewhere / "victim.txt").exists()
    (elsewhere / "victim.txt").unlink()
    target.restore(KEY, store.writes({"zwdt/a.html": "A"}), [])
    assert (live / "zwdt").is_dir() and not (live / "zwdt").is_symlink()
    assert list(elsewhere.iterdir()) == []
    assert target.snapshot(KEY) == {"index.html": sha("i"), "zwdt/a.html": sha("A")}


def test_restore_removes_oddly_named_files_but_never_outside(target, store, tmp_path):
    target.apply(KEY, None, 1, store.writes({"index.html": "i"}), [])
    live = target.path / KEY
    (live / "we\nird\\name.php").write_text("x")
    target.restore(KEY, {}, ["we\nird\\name.php"])
    assert target.snapshot(KEY) == {"index.html": sha("i")}
    (tmp_path / "keep.txt").write_text("k")
    for bad in ["../../../keep.txt", "/etc/passwd", "a/../../x", ""]:
        with pytest.raises(TargetError):
            target.restore(KEY, {}, [bad])
    assert (tmp_path / "keep.txt").exists()


def test_prune_keeps_the_newest_and_the_served(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "1"}), [])
    for n in range(2, 7):
        target.apply(KEY, n - 1, n, store.writes({"index.html": str(n)}), [])
    target.switch(KEY, 2)  # e.g. a rollback
    (target.releases_dir(KEY) / ".tmp-9-dead").mkdir()
    target.prune(KEY, keep=2)
    assert target.releases(KEY) == [2, 5, 6]
    assert not list(target.releases_dir(KEY).glob(".tmp-*"))
    assert served(target) == {"index.html": "2"}


def test_sites_and_remove_site(target, store):
    target.apply("www.a.gov.cn", None, 1, store.writes({"index.html": "a"}), [])
    target.apply("site-7", None, 1, store.writes({"index.html": "7"}), [])
    assert target.sites() == ["site-7", "www.a.gov.cn"]
    target.remove_site("site-7")
    assert target.sites() == ["www.a.gov.cn"]
    assert target.served_release("site-7") is None
    assert target.snapshot("site-7") == {}
    assert not (target.path / ".releases" / "site-7").exists()


def test_readers_never_see_a_mixed_release(target, store):
    """50 applies while a reader hammers the site: whenever it resolves the site link it finds a
    complete release (both files of a pair carry the same number), and reading through the link
    never fails."""
    pair = lambda n: store.writes({"pair/a.txt": str(n), "pair/b.txt": str(n), f"r/{n}.html": str(n)})  # noqa: E731
    target.apply(KEY, None, 0, pair(0), [])
    link = str(target.path / KEY)
    stop = threading.Event()
    problems, reads = [], [0]

    def reader():
        while not stop.is_set():
            try:
                release = os.path.realpath(link)
                with open(f"{release}/pair/a.txt") as fa, open(f"{release}/pair/b.txt") as fb:
                    a, b = fa.read(), fb.read()
                if a != b or not a:
                    problems.append((release, a, b))
                with open(f"{link}/pair/a.txt") as fh:
                    if not fh.read().isdigit():
                        problems.append(("partial", link))
                reads[0] += 1
            except OSError as exc:
                problems.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for n in range(1, 51):
            target.apply(KEY, n - 1, n, pair(n), [f"r/{n - 1}.html"])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert problems == []
    assert reads[0] > 50
    assert served(target) == {"pair/a.txt": "50", "pair/b.txt": "50", "r/50.html": "50"}


CRASH_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {src!r})
    from pathlib import Path
    from govsites.publishing.targets.local import LocalFolderTarget
    store = Path({store!r})
    writes = {{f"big/{{i // 500}}/f{{i}}.html": store / f"o{{i % 50}}" for i in range(30000)}}
    writes["index.html"] = store / "new-index"
    LocalFolderTarget("local", {front!r}).apply({key!r}, 1, 2, writes, [])
    """
)


def test_a_publisher_killed_mid_apply_leaves_the_old_release_served(target, store, tmp_path):
    target.apply(KEY, None, 1, store.writes({"index.html": "old", "zwdt/a.html": "A"}), [])
    before = target.snapshot(KEY)
    objects = tmp_path / "objects"
    objects.mkdir()
    for i in range(50):
        (objects / f"o{i}").write_text(f"object {i}")
    (objects / "new-index").write_text("new")
    script = CRASH_SCRIPT.format(src=SRC, store=str(objects), front=str(target.path), key=KEY)
    child = subprocess.Popen([sys.executable, "-c", script])
    releases = target.releases_dir(KEY)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:  # wait until the child is well into writing files
            tmp = [p for p in releases.glob(".tmp-2-*")]
            if tmp and (tmp[0] / "big").is_dir() and len(os.listdir(tmp[0] / "big")) > 5:
                break
            assert child.poll() is None, "the child finished before it could be killed"
            time.sleep(0.002)
        else:
            pytest.fail("the child never started writing")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert list(releases.glob(".tmp-2-*"))  # it really died half-way
    assert target.served_release(KEY) == 1
    assert target.snapshot(KEY) == before
    assert served(target) == {"index.html": "old", "zwdt/a.html": "A"}

    target.apply(KEY, 1, 2, store.writes({"index.html": "new"}), [])
    assert served(target) == {"index.html": "new", "zwdt/a.html": "A"}
    assert not list(releases.glob(".tmp-*"))


def test_apply_cost_of_a_large_base(target, store):
    """20,000-file base, 5 writes: the cost that every small publish pays (see local.py)."""
    base = target.release_dir(KEY, 1)
    base.mkdir(parents=True)
    page = target.path / "page"
    page.write_bytes(b"x" * 2000)
    for col in range(200):  # 200 folders of 100 pages (links to one inode: a fast setup)
        folder = base / f"col{col}"
        folder.mkdir(parents=True)
        for i in range(100):
            os.link(page, folder / f"t{i}.html")
    target.switch(KEY, 1)
    writes = store.writes({f"col{i}/new.html": f"new {i}" for i in range(5)})
    start = time.perf_counter()
    target.apply(KEY, 1, 2, writes, ["col9/t1.html"])
    elapsed = time.perf_counter() - start
    print(f"\napply of a 20,000-file base with 5 writes: {elapsed:.3f} s")
    assert target.served_release(KEY) == 2
    assert sum(len(files) for _, _, files in os.walk(target.release_dir(KEY, 2))) == 20004
    assert elapsed < 2.0


def test_a_rewritten_file_is_always_newer_than_the_one_it_replaces(target, store):
    """Same size, same second: nginx's ETag (mtime-size), Last-Modified and rsync's quick check
    must still see a new version."""
    target.apply(KEY, None, 1, store.writes({"index.html": "v1"}), [])
    for n in range(2, 5):
        target.apply(KEY, n - 1, n, store.writes({"index.html": f"v{n}"}), [])
        old = os.stat(target.release_dir(KEY, n - 1) / "index.html")
        new = os.stat(target.release_dir(KEY, n) / "index.html")
        assert int(new.st_mtime) > int(old.st_mtime)
    live = target.path / KEY / "index.html"
    before = os.stat(live)
    target.restore(KEY, store.writes({"index.html": "v4"}), [])
    assert int(os.stat(live).st_mtime) > int(before.st_mtime)


# -- configuration ---------------------------------------------------------------------------


def test_configured_targets(settings, tmp_path):
    from govsites.publishing.targets import configured_targets
    from govsites.publishing.targets.rsync import RsyncTarget
    from govsites.publishing.targets.s3 import S3Target

    settings.GOVSITES_PUBLISHING = {"BUILD_DIR": tmp_path / "build", "TARGETS": [
        {"name": "local", "kind": "local", "path": str(tmp_path / "front")},
        {"name": "front1", "kind": "rsync", "destination": "deploy@10.0.0.5:/srv/govsites/front"},
        {"name": "cdn", "kind": "s3", "bucket": "gov-front", "prefix": "sites/", "region": "cn-north-1"},
    ]}
    local, rsync, s3 = configured_targets()
    assert isinstance(local, LocalFolderTarget) and local.path == tmp_path / "front"
    assert isinstance(rsync, RsyncTarget) and rsync.host == "deploy@10.0.0.5"
    assert isinstance(s3, S3Target) and (s3.bucket, s3.prefix) == ("gov-front", "sites/")


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ([], "non-empty list"),
        (None, "non-empty list"),
        (["local"], "must be a dict"),
        ([{"kind": "local", "path": "/srv/front"}], "without a 'name'"),
        ([{"name": "x", "kind": "ftp", "path": "/srv/front"}], "'kind' must be one of"),
        ([{"name": "x", "kind": "local"}], "'path' must be a non-empty string"),
        ([{"name": "x", "kind": "local", "path": "front"}], "'path' must be absolute"),
        ([{"name": "x", "kind": "local", "path": "/a", "bucket": "b"}], "unknown keys for kind local: bucket"),
        ([{"name": "x", "kind": "rsync", "destination": "host:/srv/front; rm -rf /"}], "'x'"),
        ([{"name": "x", "kind": "rsync", "destination": "h:/srv/f", "ssh_options": "-i key"}], "list of strings"),
        ([{"name": "x", "kind": "s3", "bucket": "Bad_Bucket"}], "invalid bucket"),
        ([{"name": "x", "kind": "local", "path": "/a"}, {"name": "x", "kind": "local", "path": "/b"}], "duplicate"),
    ],
)
def test_bad_target_configuration_is_a_clear_error(settings, tmp_path, targets, message):
    from django.core.exceptions import ImproperlyConfigured

    from govsites.publishing.targets import configured_targets

    settings.GOVSITES_PUBLISHING = {"BUILD_DIR": tmp_path, "TARGETS": targets}
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        configured_targets()
