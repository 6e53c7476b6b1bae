"""Distributions as a deal's data holds them (``{"dist": "pert", "low": 1, "mode": 2, "high": 5}``): which
parameters each kind takes, the first distribution of an input just made uncertain, and the same judgement as
another kind of distribution.

Plain data in, plain data out: the editor works on a draft, which may be half filled in and invalid, so nothing here
validates; ``valueshare.model.uncertainty`` does when the draft becomes a deal. The input's limits come from the
catalogue of inputs (``valueshare.inputs.entry``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from valueshare import inputs
from valueshare.model.uncertainty import Fixed, Lognormal, Normal, Pert, Triangular, Uniform

#: Each kind of distribution (its ``dist``) and the model that validates it.
MODELS: dict[str, type[BaseModel]] = {m.model_fields["dist"].default: m
                                      for m in (Fixed, Uniform, Triangular, Pert, Normal, Lognormal)}

#: Each kind's parameters, in the model's order: ``{"fixed": ("value",), "uniform": ("low", "high"), ...}``.
PARAMETERS: dict[str, tuple[str, ...]] = {kind: tuple(name for name in model.model_fields if name != "dist")
                                          for kind, model in MODELS.items()}

#: A new uncertain input's range either side of the deal's value, as a share of it [ours: a starting point the
#: user is expected to change, wide enough to show on every chart].
NEW_SPREAD = 0.2


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def new_uncertain(path: str, base: Any) -> dict[str, Any]:
    """A new uncertain input for the input at ``path`` whose value in the deal is ``base``: a triangle from 80% to
    120% of that value, its mode the value itself, kept within the input's limits (a probability or a share never
    above 1). A ``base`` that is not a number (the input is not filled in yet) counts as 0.

    >>> new_uncertain("route_to_market.sales.price_gbp", 10.0)
    {'input': 'route_to_market.sales.price_gbp', 'distribution': {'dist': 'triangular', 'low': 8.0, 'mode': 10.0, \
'high': 12.0}}
    >>> new_uncertain("route_to_market.stages[0].probability_of_success", 0.9)["distribution"]["high"]
    1.0
    """
    base = float(base) if _number(base) else 0.0
    low, high = base * (1 - NEW_SPREAD), base * (1 + NEW_SPREAD)
    found = inputs.entry(path)
    if found is not None:
        if found.lo is not None:
            low = max(low, found.lo)
        if found.ceiling is not None:
            high = min(high, found.ceiling)
    return {"input": path, "distribution": {"dist": "triangular", "low": round(low, 10), "mode": base,
                                            "high": round(high, 10)}}


def reshape(distribution: dict[str, Any], kind: str) -> dict[str, Any]:
    """The same judgement as a distribution of another ``kind``, so that switching kind keeps what can be kept: the
    centre (the mode, mean or value, else the middle of the range), the range, and the spread (the sd, else a
    quarter of the range). A parameter with nothing to keep is left out, for the user to fill in.

    >>> reshape({"dist": "pert", "low": 1, "mode": 2, "high": 5}, "normal")
    {'dist': 'normal', 'mean': 2, 'sd': 1.0, 'low': 1, 'high': 5}
    >>> reshape({"dist": "normal", "mean": 3, "sd": 1}, "uniform")
    {'dist': 'uniform'}
    >>> reshape({"dist": "uniform", "low": 2, "high": 4}, "fixed")
    {'dist': 'fixed', 'value': 3.0}
    """
    d = distribution
    low, high = d.get("low"), d.get("high")
    ranged = _number(low) and _number(high)
    centre = next((d[k] for k in ("mode", "mean", "value") if d.get(k) is not None),
                  (low + high) / 2 if ranged else None)  # type: ignore[operator]
    sd = d.get("sd") if d.get("sd") is not None else ((high - low) / 4 if ranged else None)  # type: ignore[operator]
    values = {"value": centre, "low": low, "mode": centre, "high": high, "mean": centre, "sd": sd}
    out: dict[str, Any] = {"dist": kind}
    out.update({name: values[name] for name in PARAMETERS.get(kind, ()) if values[name] is not None})
    return out
