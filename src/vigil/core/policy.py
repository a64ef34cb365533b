"""Force policy: every rule default, stored as data and versioned.

Each module *defines* its keys (with a default, a description and its source) in its own ``policy.py``;
a force changes them with ``set_policy``, which writes a new ``PolicyVersion`` recording who and why.
Rules receive a ``Policy`` mapping and never read the database themselves.
"""
from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from vigil.core.errors import InputError


@dataclass(frozen=True)
class PolicyKey:
    key: str
    default: Any
    description: str
    source: str = ""


_KEYS: dict[str, PolicyKey] = {}


def define(key: str, default: Any, description: str, source: str = "") -> None:
    """Declare a policy key and its default (called at import time by each module's policy.py)."""
    existing = _KEYS.get(key)
    if existing and existing.default != default:
        raise RuntimeError(f"policy key {key!r} defined twice with different defaults")
    _KEYS[key] = PolicyKey(key, default, description, source)


def keys() -> dict[str, PolicyKey]:
    return dict(_KEYS)


_IMMUTABLE = (int, float, str, bool, type(None))


class FrozenDict(dict):
    """A policy value that is a mapping: read as a dict (JSON, templates), refused if changed."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("policy values are read-only: change them with a new policy version")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __reduce__(self):  # pickled whole (a reader in another process gets the policy), never item by item
        return (FrozenDict, (dict(self),))


def _frozen(value: Any) -> Any:
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, Mapping):
        return FrozenDict({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, set | frozenset):
        return frozenset(_frozen(v) for v in value)
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return copy.deepcopy(value)


class Policy(Mapping):
    """An immutable view of policy values: defaults overlaid with a version's overrides."""

    def __init__(self, overrides: Mapping[str, Any] | None = None, version: int = 0):
        self._overrides = dict(overrides or {})
        self.version = version
        self._read: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        try:
            return self._read[key]
        except KeyError:
            pass
        if key in self._overrides:
            value = self._overrides[key]
        elif key in _KEYS:
            value = _KEYS[key].default
        else:
            raise KeyError(f"no policy key {key!r}")
        # Read-only once, then the same value every time: rules read lists of outcomes and bank holidays hundreds
        # of thousands of times in a sweep, and nobody can change a policy by changing what it handed them.
        self._read[key] = value = _frozen(value)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(set(_KEYS) | set(self._overrides)))

    def __len__(self) -> int:
        return len(set(_KEYS) | set(self._overrides))

    def with_overrides(self, **changes: Any) -> Policy:
        """A copy with some values changed (tests, what-if views). Keys use '__' for '.'."""
        merged = dict(self._overrides)
        merged.update({k.replace("__", "."): v for k, v in changes.items()})
        return Policy(merged, self.version)


def defaults() -> Policy:
    return Policy()


def current() -> Policy:
    """The policy in force: the latest version's overrides on the defaults."""
    from vigil.core.models import PolicyVersion

    latest = PolicyVersion.objects.order_by("-number").first()
    return Policy(latest.values, latest.number) if latest else Policy()


@transaction.atomic
def set_policy(*, changes: Mapping[str, Any], changed_by, reason: str) -> Any:
    """Record a new policy version. Unknown keys and values of the wrong type are refused."""
    from vigil.core.models import PolicyVersion

    if not reason or not reason.strip():
        raise InputError("a policy change needs a reason")
    for key, value in changes.items():
        if key not in _KEYS:
            raise InputError(f"{key}: not a policy key")
        default = _KEYS[key].default
        if default is not None and not isinstance(value, type(default)) and not (
            isinstance(default, float) and isinstance(value, int)
        ):
            raise InputError(f"{key}: expected {type(default).__name__}, got {type(value).__name__}")
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    values = dict(latest.values) if latest else {}
    values.update(changes)
    return PolicyVersion.objects.create(
        number=(latest.number + 1) if latest else 1, values=values, changed_by=changed_by, reason=reason.strip()
    )
