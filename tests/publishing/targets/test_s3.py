"""S3Target against a real S3 HTTP API (moto's server on 127.0.0.1)."""

import json
import uuid

import boto3
import pytest

from govsites.publishing.targets import BaseReleaseMissing, TargetError, build_target
from govsites.publishing.targets.s3 import S3Target

from .support import free_port, sha

KEY = "www.example.gov.cn"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(endpoint):
    name = f"front-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def target(endpoint, bucket):
    return S3Target("cdn", bucket[1], prefix="sites", endpoint_url=endpoint, **CREDENTIALS)


def objects(client, bucket, prefix=""):
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", ())]
    return sorted(keys)


def body(client, bucket, key):
    return client.get_object(Bucket=bucket, Key=key)["Body"].read().decode()


def test_full_push_then_delta(target, bucket, store):
    client, name = bucket
    target.apply(KEY, None, 1, store.writes({"index.html": "首页1", "zwdt/a.html": "A", "assets/site.0123abcd.css": "c"}), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "首页2", "xxgk/c.html": "C"}), ["zwdt/a.html"])
    assert target.served_release(KEY) == 2
    assert json.loads(body(client, name, f"sites/{KEY}/current")) == {"release": 2}
    prefix = f"sites/{KEY}/releases/2/"
    assert objects(client, name, prefix) == [prefix + p for p in ["assets/site.0123abcd.css", "index.html", "xxgk/c.html"]]
    assert body(client, name, prefix + "index.html") == "首页2"
    assert body(client, name, f"sites/{KEY}/releases/1/index.html") == "首页1"  # the old release is intact
    head = client.head_object(Bucket=name, Key=prefix + "assets/site.0123abcd.css")  # copied server-side
    assert head["ContentType"] == "text/css; charset=utf-8"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["Metadata"]["sha256"] == sha("c")
    page = client.head_object(Bucket=name, Key=prefix + "index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=60, must-revalidate"
    assert target.snapshot(KEY) == {"index.html": sha("首页2"), "xxgk/c.html": sha("C"), "assets/site.0123abcd.css": sha("c")}


def test_unchanged_objects_are_copied_and_the_pointer_is_written_last(target, store):
    target.apply(KEY, None, 1, store.writes({"a.html": "A", "b.html": "B", "c.html": "C"}), [])
    calls = []
    target.client.meta.events.register(
        "before-parameter-build.s3.*", lambda params, model, **kw: calls.append((model.name, params.get("Key")))
    )
    target.apply(KEY, 1, 2, store.writes({"c.html": "C2"}), [])
    mutating = [c for c in calls if c[0] in ("CopyObject", "PutObject", "DeleteObjects")]
    assert ("CopyObject", f"sites/{KEY}/releases/2/a.html") in mutating
    assert ("PutObject", f"sites/{KEY}/releases/2/c.html") in mutating
    assert not any(op == "PutObject" and key.endswith(("a.html", "b.html")) for op, key in mutating)
    assert mutating[-1] == ("PutObject", f"sites/{KEY}/current")


def test_a_publisher_failing_mid_apply_leaves_the_old_release_served(target, store):
    target.apply(KEY, None, 1, store.writes({f"p{i}.html": f"v1 {i}" for i in range(20)}), [])
    before = target.snapshot(KEY)
    uploads = []

    def explode(params, **kwargs):
        uploads.append(params["Key"])
        if len(uploads) == 3:
            raise ConnectionError("network gone")

    target.client.meta.events.register("before-parameter-build.s3.PutObject", explode)
    with pytest.raises(TargetError):
        target.apply(KEY, 1, 2, store.writes({f"p{i}.html": f"v2 {i}" for i in range(10)}), [])
    target.client.meta.events.unregister("before-parameter-build.s3.PutObject", explode)
    assert target.served_release(KEY) == 1
    assert target.snapshot(KEY) == before
    target.apply(KEY, 1, 2, store.writes({f"p{i}.html": f"v2 {i}" for i in range(10)}), ["p19.html"])
    snap = target.snapshot(KEY)
    assert target.served_release(KEY) == 2 and len(snap) == 19
    assert snap["p0.html"] == sha("v2 0") and snap["p15.html"] == sha("v1 15")


def test_reapplying_the_served_number(target, store, bucket):
    client, name = bucket
    target.apply(KEY, None, 1, store.writes({"index.html": "v1", "old.html": "o"}), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "v2-first-try", "stray.html": "s"}), [])
    target.apply(KEY, 1, 2, store.writes({"index.html": "v2"}), ["old.html"])
    assert target.snapshot(KEY) == {"index.html": sha("v2")}
    assert objects(client, name, f"sites/{KEY}/releases/2/") == [f"sites/{KEY}/releases/2/index.html"]


def test_missing_base_release(target, store):
    with pytest.raises(BaseReleaseMissing):
        target.apply(KEY, 1, 2, {}, [])


def test_unsafe_paths_are_refused(target, store):
    target.apply(KEY, None, 1, store.writes({"index.html": "x"}), [])
    for path in ["/abs.html", "../x.html", "a/../../x", "a\\b", "a\x00b", "", "a//b"]:
        with pytest.raises(TargetError):
            target.apply(KEY, 1, 2, {path: store("evil")}, [])
        with pytest.raises(TargetError):
            target.restore(KEY, {path: store("evil")}, [])
    assert target.served_release(KEY) == 1
    assert target.snapshot(KEY) == {"index.html": sha("x")}


def test_the_watch_hashes_content_not_metadata(target, store, bucket):
    """An attacker who rewrites an object keeps its metadata (``sha256``) plausible; snapshot
    must read the bytes."""
    client, name = bucket
    target.apply(KEY, None, 1, store.writes({"index.html": "首页", "a.html": "A"}), [])
    key = f"sites/{KEY}/releases/1/a.html"
    client.put_object(Bucket=name, Key=key, Body=b"<script>evil()</script>", Metadata={"sha256": sha("A")})
    client.put_object(Bucket=name, Key=f"sites/{KEY}/releases/1/shell.php", Body=b"x")
    snap = target.snapshot(KEY)
    assert snap["a.html"] == sha("<script>evil()</script>")
    assert snap["shell.php"] == sha("x")
    target.restore(KEY, store.writes({"a.html": "A"}), ["shell.php"])
    assert target.snapshot(KEY) == {"index.html": sha("首页"), "a.html": sha("A")}


def test_sites_prune_and_remove(target, store, bucket):
    client, name = bucket
    target.apply(KEY, None, 1, store.writes({"index.html": "1"}), [])
    for n in range(2, 6):
        target.apply(KEY, n - 1, n, store.writes({"index.html": str(n)}), [])
    target.apply("site-7", None, 1, store.writes({"index.html": "7"}), [])
    assert target.sites() == ["site-7", KEY]
    target.prune(KEY, keep=2)
    remaining = {k.split("/")[3].split(".")[0] for k in objects(client, name, f"sites/{KEY}/releases/")}
    assert remaining == {"4", "5"}
    target.remove_site("site-7")
    assert target.sites() == [KEY]
    assert objects(client, name, "sites/site-7/") == []
    assert target.served_release("site-7") is None
    assert target.snapshot("site-7") == {}


def test_credentials_from_the_environment(endpoint, bucket, store, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    target = build_target({"name": "cdn", "kind": "s3", "bucket": bucket[1], "endpoint_url": endpoint,
                           "region": "us-east-1"})
    target.apply(KEY, None, 1, store.writes({"index.html": "x"}), [])
    assert target.served_release(KEY) == 1
    assert target.prefix == ""


@pytest.mark.parametrize("bad", [{"bucket": "UPPER_case"}, {"bucket": "ok-bucket", "prefix": "../x"},
                                 {"bucket": "ok-bucket", "access_key": "only-half"}])
def test_bad_configuration(bad):
    with pytest.raises(ValueError):
        S3Target("x", **bad)
