"""Field paths like ``terms[2].tiers[0].rate``: the same names the error messages use, read and written on the
deal's plain data. Variants, uncertain inputs, sensitivities and two-way tables all name inputs this way."""

from __future__ import annotations

import copy
import re
from typing import Any

from valueshare.errors import DealInvalid, Problem, format_path

_PART = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


def parse(path: str) -> list[str | int]:
    """``'terms[2].tiers[0].rate'`` -> ``['terms', 2, 'tiers', 0, 'rate']``.

    >>> parse("terms[2].tiers[0].rate")
    ['terms', 2, 'tiers', 0, 'rate']
    """
    keys: list[str | int] = []
    for chunk in path.split("."):
        if not chunk:
            raise DealInvalid([Problem(path, "is not a field path (an empty part between dots)")])
        for match in _PART.finditer(chunk):
            keys.append(match.group(1) if match.group(1) else int(match.group(2)))
        if "".join(m.group(0) for m in _PART.finditer(chunk)) != chunk:
            raise DealInvalid([Problem(path, "is not a field path like 'terms[2].tiers[0].rate'")])
    return keys


def get(data: Any, path: str) -> Any:
    """The value at ``path`` in nested dicts and lists; ``DealInvalid`` naming the path when it is not there.

    >>> get({"terms": [{"rate": 0.1}]}, "terms[0].rate")
    0.1
    """
    node = data
    for key in parse(path):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            raise DealInvalid([Problem(path, "this deal has no such field")]) from None
    return node


def with_value(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``value`` at ``path``; the last key may be new, its parent must exist.

    >>> with_value({"a": {"b": 1}}, "a.b", 2)
    {'a': {'b': 2}}
    """
    out = copy.deepcopy(data)
    keys = parse(path)
    parent: Any = get(out, format_path(keys[:-1])) if len(keys) > 1 else out
    last = keys[-1]
    try:
        parent[last] = value
    except (IndexError, TypeError):
        raise DealInvalid([Problem(path, "this deal has no such field")]) from None
    return out

