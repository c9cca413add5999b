"""Policy profiles: the per-province rule values, kept as data (TOML files beside this module).

A deployment follows one profile (setting ``GOVSITES_POLICY_PROFILE``). Rule code reads values
from :func:`active` instead of branching on the province, so adding a province is adding a file.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"


class Profile:
    """A read-only view of one merged profile; ``profile.get("registry.temporary_offline_max_days")``."""

    def __init__(self, name: str, data: Mapping[str, Any]):
        self.name = name
        self._data = _freeze(data)

    @property
    def title(self) -> str:
        return self._data.get("title", self.name)

    def get(self, dotted: str) -> Any:
        node: Any = self._data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise KeyError(f"Policy profile {self.name!r} has no value {dotted!r}")
            node = node[part]
        return node

    def section(self, name: str) -> Mapping[str, Any]:
        return self.get(name)

    def as_dict(self) -> dict[str, Any]:
        """A mutable deep copy, e.g. for a profile that extends this one."""
        return _thaw(self._data)

    def __repr__(self) -> str:
        return f"<Profile {self.name}>"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _merge(base: dict, override: Mapping) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def available() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


@functools.cache
def load(name: str) -> Profile:
    path = PROFILE_DIR / f"{name}.toml"
    if not path.is_file():
        raise ImproperlyConfigured(f"Unknown policy profile {name!r}; available: {', '.join(available())}")
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    parent = data.pop("extends", None)
    if parent:
        data = _merge(load(parent).as_dict(), data)
    return Profile(name, data)


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def active() -> Profile:
    """The profile this deployment follows."""
    return load(getattr(settings, "GOVSITES_POLICY_PROFILE", "national"))
