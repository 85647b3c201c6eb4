"""The minimum detectable effect of a paired design (normal approximation).

For n paired items whose differences have standard deviation sd, a two-sided test at level alpha has
the requested power against a true mean difference of

    MDE = (z[1 - alpha/2] + z[power]) * sd / sqrt(n)

(z the standard normal quantile). For 0/1 outcomes sd comes from the differences in {-1, 0, 1}, so
strongly correlated arms (few discordant questions) can detect smaller effects.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from harness.errors import ConfigError

__all__ = ["minimum_detectable_effect"]


def minimum_detectable_effect(sd_diff: float, n: int, *, alpha: float = 0.05, power: float = 0.8) -> float:
    if n < 1 or not sd_diff >= 0:
        raise ConfigError(f"minimum_detectable_effect needs n >= 1 and sd_diff >= 0 (got n={n}, sd_diff={sd_diff})")
    for name, value in (("alpha", alpha), ("power", power)):
        if not 0 < value < 1:
            raise ConfigError(f"{name}={value} must be between 0 and 1 (exclusive)")
    z = NormalDist()
    return (z.inv_cdf(1 - alpha / 2) + z.inv_cdf(power)) * sd_diff / math.sqrt(n)
