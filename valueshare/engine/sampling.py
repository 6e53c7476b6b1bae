"""Draw n values from an uncertain input's distribution, vectorised, from a numpy ``Generator``.

Moments, for the tests and the docs (a = low, c = mode, b = high):
- uniform: mean (a + b)/2, variance (b − a)²/12
- triangular: mean (a + b + c)/3, variance (a² + b² + c² − ab − ac − bc)/18
- PERT: Beta(α, β) on [a, b] with α = 1 + 4(c − a)/(b − a), β = 1 + 4(b − c)/(b − a); mean (a + 4c + b)/6
- normal truncated to [lo, hi]: mean μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α)), α = (lo − μ)/σ, β = (hi − μ)/σ
- lognormal with mean m and sd s: σ² = ln(1 + s²/m²), μ = ln m − σ²/2
"""

from __future__ import annotations

import numpy as np

from valueshare.model.uncertainty import Fixed, Lognormal, Normal, Pert, Triangular, Uniform


def draw(distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """n independent values of ``distribution``.

    >>> from valueshare.model.uncertainty import Uniform
    >>> x = draw(Uniform(low=1, high=2), 1000, np.random.default_rng(0))
    >>> bool(x.min() >= 1 and x.max() <= 2)
    True
    """
    if isinstance(distribution, Fixed):
        return np.full(n, distribution.value)
    if isinstance(distribution, Uniform):
        return rng.uniform(distribution.low, distribution.high, n)
    if isinstance(distribution, Triangular):
        return rng.triangular(distribution.low, distribution.mode, distribution.high, n)
    if isinstance(distribution, Pert):
        a, c, b = distribution.low, distribution.mode, distribution.high
        alpha = 1.0 + 4.0 * (c - a) / (b - a)
        beta = 1.0 + 4.0 * (b - c) / (b - a)
        return a + (b - a) * rng.beta(alpha, beta, n)
    if isinstance(distribution, Normal):
        return _truncated_normal(distribution, n, rng)
    if isinstance(distribution, Lognormal):
        mu, sigma = distribution.log_parameters()
        return rng.lognormal(mu, sigma, n)
    raise TypeError(f"unknown distribution {distribution!r}")


def _truncated_normal(d: Normal, n: int, rng: np.random.Generator) -> np.ndarray:
    """Rejection sampling: redraw only the values outside the bounds. The model guarantees the bounds keep at
    least 1% of the curve, so on average fewer than 100 rounds touch any value; after 200 rounds (never seen) the
    stragglers are clipped."""
    lo = -np.inf if d.low is None else d.low
    hi = np.inf if d.high is None else d.high
    out = rng.normal(d.mean, d.sd, n)
    bad = (out < lo) | (out > hi)
    for _ in range(200):
        if not bad.any():
            break
        out[bad] = rng.normal(d.mean, d.sd, int(bad.sum()))
        bad = (out < lo) | (out > hi)
    return np.clip(out, lo, hi)


def percentile_points(distribution, rng: np.random.Generator, q: tuple[float, float] = (10, 90),
                      n: int = 20_001) -> tuple[float, float]:
    """The distribution's low and high percentiles (P10 and P90 by default), estimated from ``n`` draws;
    a fixed input gives its value twice."""
    if isinstance(distribution, Fixed):
        return distribution.value, distribution.value
    values = np.percentile(draw(distribution, n, rng), q)
    return float(values[0]), float(values[1])
