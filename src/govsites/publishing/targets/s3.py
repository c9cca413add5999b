"""An S3 bucket (or any S3-compatible store: MinIO, Ceph RGW, OSS/COS in S3 mode) as a front.

S3 has no rename and no symlink, so a release is a *key prefix* and the switch is a pointer::

    <prefix><site_key>/releases/<n>/<path>     the files of release n
    <prefix><site_key>/releases/<n>.json       written once release n is complete
    <prefix><site_key>/current                 {"release": n}: the served release

``apply`` copies every unchanged object server-side (``CopyObject``, no download) from the base
release's prefix, uploads the writes, records the release, and writes ``current`` *last*: until
that single PUT (atomic per object in S3) the old release stays the served one, and a publisher
killed at any point leaves it intact. The cost is one ``CopyObject`` per unchanged file per
release (parallel, ``workers`` at a time), so a 20,000-file site costs 20,000 requests per publish;
a front with many large sites is cheaper on rsync/local targets.

Readers do not see ``current`` themselves: a CDN or reverse proxy in front of the bucket maps a
host name to ``<prefix><key>/releases/<n>/`` (read from ``current``, cached for a few seconds), so
switching ``current`` switches the whole site at once. ``govsites nginx_config`` can be pointed at
such a bucket by a proxy configuration written by the operator; we ship none by default.

Uploaded objects carry ``Content-Type``, ``Cache-Control`` (the same policy as nginx and the
built-in server) and their SHA-256 as ``x-amz-meta-sha256`` metadata — for people, never trusted
by the integrity watch: :meth:`S3Target.snapshot` downloads and hashes every object.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .base import BaseReleaseMissing, FrontTarget, TargetError
from .local import check_output_path, check_site_key, release_number

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RECORD = re.compile(r"^(\d+)\.json$")


class S3Target(FrontTarget):
    def __init__(
        self,
        name: str,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        *,
        workers: int = 16,
    ):
        if not _BUCKET.match(bucket or ""):
            raise ValueError(f"invalid bucket name {bucket!r}")
        if prefix and (prefix.startswith("/") or "\\" in prefix or "//" in prefix or ".." in prefix):
            raise ValueError(f"invalid prefix {prefix!r}")
        if bool(access_key) != bool(secret_key):
            raise ValueError("access_key and secret_key go together")
        self.name = name
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.endpoint_url = endpoint_url
        self.region = region
        self._credentials = {"access_key": access_key, "secret_key": secret_key, "session_token": session_token}
        self.workers = max(1, workers)
        self._client = None

    def __repr__(self) -> str:
        return f"S3Target({self.name!r}, {self.bucket!r}, prefix={self.prefix!r})"

    @property
    def client(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            creds = self._credentials
            session = boto3.session.Session(
                aws_access_key_id=creds["access_key"] or None,  # None: boto3's AWS_* environment / files
                aws_secret_access_key=creds["secret_key"] or None,
                aws_session_token=creds["session_token"] or None,
                region_name=self.region or None,
            )
            self._client = session.client(
                "s3",
                endpoint_url=self.endpoint_url or None,
                config=Config(
                    max_pool_connections=self.workers + 4,
                    retries={"max_attempts": 5, "mode": "standard"},
                ),
            )
        return self._client

    # -- keys -------------------------------------------------------------------------------

    def site_prefix(self, site_key: str) -> str:
        return f"{self.prefix}{check_site_key(site_key)}/"

    def release_prefix(self, site_key: str, number: int) -> str:
        return f"{self.site_prefix(site_key)}releases/{int(number)}/"

    def record_key(self, site_key: str, number: int) -> str:
        return f"{self.site_prefix(site_key)}releases/{int(number)}.json"

    def pointer_key(self, site_key: str) -> str:
        return f"{self.site_prefix(site_key)}current"

    # -- helpers ----------------------------------------------------------------------------

    def _list(self, prefix: str) -> list[str]:
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(obj["Key"] for obj in page.get("Contents", ()))
        return keys

    def _list_children(self, prefix: str) -> tuple[list[str], list[str]]:
        """(sub-prefixes, object keys) directly under ``prefix``."""
        folders, objects = [], []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
            folders.extend(p["Prefix"] for p in page.get("CommonPrefixes", ()))
            objects.extend(o["Key"] for o in page.get("Contents", ()))
        return folders, objects

    def _delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": k} for k in keys[start : start + 1000]]
            answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                raise TargetError(f"{self.name}: delete failed: {answer['Errors'][:3]}")

    def _exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise TargetError(f"{self.name}: {exc}") from exc
        return True

    def _put_json(self, key: str, value: dict) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=json.dumps(value).encode(),
            ContentType="application/json",
            CacheControl="no-cache",
        )

    def _upload(self, key: str, rel: str, source: Path) -> None:
        from govsites.publishing.frontserver import cache_control, content_type

        with open(source, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
            fh.seek(0)
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=fh,
                ContentType=content_type(rel),
                CacheControl=cache_control(rel),
                Metadata={"sha256": digest},
            )

    def _parallel(self, fn, jobs: list[tuple]) -> None:
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=min(self.workers, len(jobs))) as pool:
            for future in [pool.submit(fn, *job) for job in jobs]:
                future.result()  # re-raise the first failure

    def _wrap(self, exc: Exception) -> TargetError:
        return exc if isinstance(exc, TargetError) else TargetError(f"{self.name}: {exc}")

    # -- FrontTarget ------------------------------------------------------------------------

    def apply(self, site_key, base, new, writes, removes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        new = int(new)
        if base is not None and int(base) == new:
            raise TargetError(f"cannot build release {new} from itself")
        writes = {check_output_path(p): Path(s) for p, s in writes.items()}
        skip = {check_output_path(p) for p in removes} | set(writes)
        for source in writes.values():
            if not source.is_file():
                raise TargetError(f"build-store object missing: {source}")
        try:
            if base is not None and not self._exists(self.record_key(site_key, base)):
                raise BaseReleaseMissing(f"{self.name}: {site_key} does not hold release {base}")
            new_prefix = self.release_prefix(site_key, new)
            reconcile = self.served_release(site_key) == new
            existing = set(self._list(new_prefix)) if reconcile else set()
            if not reconcile:
                # a stale attempt of this number (crash): start afresh
                self._delete([*self._list(new_prefix), self.record_key(site_key, new)])
            copies = []
            if base is not None:
                base_prefix = self.release_prefix(site_key, base)
                for key in self._list(base_prefix):
                    rel = key[len(base_prefix) :]
                    if rel not in skip:
                        copies.append((key, new_prefix + rel))
            self._parallel(self._copy, copies)
            self._parallel(self._upload, [(new_prefix + rel, rel, src) for rel, src in writes.items()])
            wanted = {dest for _, dest in copies} | {new_prefix + rel for rel in writes}
            if reconcile:
                # The crashed attempt had already switched to ``new``: fixed up object by object
                # (each PUT is atomic), then leftovers removed. Only reachable after a crash.
                self._delete(sorted(existing - wanted))
            self._put_json(
                self.record_key(site_key, new), {"release": new, "base": base, "files": len(wanted)}
            )
            self._put_json(self.pointer_key(site_key), {"release": new})  # the switch
        except (BotoCoreError, ClientError, OSError) as exc:
            raise self._wrap(exc) from exc

    def _copy(self, source_key: str, dest_key: str) -> None:
        self.client.copy_object(
            Bucket=self.bucket,
            Key=dest_key,
            CopySource={"Bucket": self.bucket, "Key": source_key},
            MetadataDirective="COPY",
        )

    def served_release(self, site_key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.pointer_key(site_key))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise TargetError(f"{self.name}: {exc}") from exc
        try:
            return int(json.loads(body)["release"])
        except (ValueError, KeyError, TypeError) as exc:
            raise TargetError(f"{self.name}: unreadable pointer for {site_key}: {body[:100]!r}") from exc

    def snapshot(self, site_key: str) -> dict[str, str]:
        served = self.served_release(site_key)
        if served is None:
            return {}
        prefix = self.release_prefix(site_key, served)
        keys = self._list(prefix)
        result: dict[str, str] = {}

        def fetch(key: str) -> None:
            digest = hashlib.sha256()
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            for chunk in iter(lambda: body.read(1024 * 1024), b""):
                digest.update(chunk)
            result[key[len(prefix) :]] = digest.hexdigest()

        self._parallel(fetch, [(k,) for k in keys])
        return result

    def restore(self, site_key: str, writes: Mapping[str, Path], removes: Iterable[str]) -> None:
        """Put back ``writes`` and delete ``removes`` in the served release. Removes are taken as
        literal keys under the release prefix (an attacker's object may have any name; S3 keys
        have no ``..`` semantics, so deleting one can never reach another prefix)."""
        served = self.served_release(site_key)
        if served is None:
            raise TargetError(f"{self.name}: {site_key} has no served release to restore")
        prefix = self.release_prefix(site_key, served)
        writes = {check_output_path(p): Path(s) for p, s in writes.items()}
        removes = [r for r in removes]
        if any(not isinstance(r, str) or "\0" in r for r in removes):
            raise TargetError("invalid path to remove")
        self._parallel(self._upload, [(prefix + rel, rel, src) for rel, src in writes.items()])
        self._delete(prefix + r for r in removes)

    def sites(self) -> list[str]:
        folders, _ = self._list_children(self.prefix)
        keys = []
        for folder in folders:
            name = folder[len(self.prefix) :].rstrip("/")
            try:
                keys.append(check_site_key(name))
            except TargetError:
                continue
        return sorted(keys)

    def remove_site(self, site_key: str) -> None:
        self._delete([self.pointer_key(site_key)])  # stop serving first
        self._delete(self._list(self.site_prefix(site_key)))

    def prune(self, site_key: str, keep: int = 3) -> None:
        root = f"{self.site_prefix(site_key)}releases/"
        folders, objects = self._list_children(root)
        numbers = {release_number(f[len(root) :].rstrip("/")) for f in folders}
        numbers |= {int(m.group(1)) for o in objects if (m := _RECORD.match(o[len(root) :]))}
        numbers.discard(None)
        ordered = sorted(numbers)
        kept = set(ordered[-keep:] if keep > 0 else []) | {self.served_release(site_key)}
        for number in ordered:
            if number not in kept:
                self._delete([self.record_key(site_key, number)])  # incomplete from now on
                self._delete(self._list(self.release_prefix(site_key, number)))
