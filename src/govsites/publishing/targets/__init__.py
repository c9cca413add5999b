"""Front targets: where published sites are served from (docs/publishing.md#front-targets).

``settings.GOVSITES_PUBLISHING["TARGETS"]`` is a list of dicts, each with a unique ``name`` and a
``kind``:

- ``local``: ``path`` — a folder on this machine (the embedded demo; ``govsites front_serve``
  or nginx on the same host serve it);
- ``rsync``: ``destination`` (``[user@]host:/abs/path`` over SSH, or a plain local path),
  optional ``ssh_options`` (list of ``ssh`` arguments, e.g. ``["-i", "/etc/govsites/id_ed25519"]``)
  and ``staging`` (local folder; default ``<BUILD_DIR>/staging/<name>``);
- ``s3``: ``bucket``, optional ``prefix``, ``endpoint_url``, ``region``, and ``access_key`` /
  ``secret_key`` (otherwise boto3's usual ``AWS_*`` environment and files).

A mistake in this list is a deployment error, so it fails loudly and early with
``ImproperlyConfigured`` naming the target and the key, rather than at the first publish.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import BaseReleaseMissing, FrontTarget, TargetError

__all__ = ["BaseReleaseMissing", "FrontTarget", "TargetError", "build_target", "configured_targets"]

_KEYS = {
    "local": ({"path"}, set()),
    "rsync": ({"destination"}, {"ssh_options", "staging"}),
    "s3": ({"bucket"}, {"prefix", "endpoint_url", "region", "access_key", "secret_key", "session_token"}),
}


def _text(config: dict, key: str, label: str) -> str:
    value = config.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS {label}: '{key}' must be a non-empty string")
    return value


def build_target(config: dict) -> FrontTarget:
    """One target from its settings dict."""
    if not isinstance(config, dict):
        raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS: each target must be a dict, got {config!r}")
    name = config.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS: target without a 'name': {config!r}")
    label = f"'{name}'"
    kind = config.get("kind")
    if kind not in _KEYS:
        raise ImproperlyConfigured(
            f"GOVSITES_PUBLISHING TARGETS {label}: 'kind' must be one of {', '.join(sorted(_KEYS))}, got {kind!r}"
        )
    required, optional = _KEYS[kind]
    unknown = set(config) - required - optional - {"name", "kind"}
    if unknown:
        raise ImproperlyConfigured(
            f"GOVSITES_PUBLISHING TARGETS {label}: unknown keys for kind {kind}: {', '.join(sorted(unknown))}"
        )
    for key in sorted(required):
        _text(config, key, label)
    if kind == "local":
        from .local import LocalFolderTarget

        path = Path(config["path"])
        if not path.is_absolute():
            raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS {label}: 'path' must be absolute")
        return LocalFolderTarget(name, path)
    if kind == "rsync":
        from .rsync import RsyncTarget

        ssh_options = config.get("ssh_options", [])
        if not isinstance(ssh_options, list | tuple) or not all(isinstance(o, str) for o in ssh_options):
            raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS {label}: 'ssh_options' must be a list of strings")
        staging = config.get("staging") or Path(settings.GOVSITES_PUBLISHING["BUILD_DIR"]) / "staging" / name
        try:
            return RsyncTarget(name, config["destination"], ssh_options=list(ssh_options), staging=staging)
        except ValueError as exc:
            raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS {label}: {exc}") from exc
    from .s3 import S3Target

    options = {key: config[key] for key in optional if config.get(key) is not None}
    for key, value in options.items():
        if not isinstance(value, str):
            raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS {label}: '{key}' must be a string")
    try:
        return S3Target(name, config["bucket"], **options)
    except ValueError as exc:
        raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS {label}: {exc}") from exc


def configured_targets() -> list[FrontTarget]:
    """Every target of ``GOVSITES_PUBLISHING["TARGETS"]``, in order (a publish applies to all)."""
    configs = getattr(settings, "GOVSITES_PUBLISHING", {}).get("TARGETS")
    if not isinstance(configs, list | tuple) or not configs:
        raise ImproperlyConfigured("GOVSITES_PUBLISHING['TARGETS'] must be a non-empty list of targets")
    targets = [build_target(config) for config in configs]
    names = [t.name for t in targets]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ImproperlyConfigured(f"GOVSITES_PUBLISHING TARGETS: duplicate target names: {', '.join(duplicates)}")
    return targets
