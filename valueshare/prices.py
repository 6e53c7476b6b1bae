"""Price years: bringing a published value from the prices of its year into the deal's price base year.

valueshare values a deal in real terms, in pounds of ``assumptions.price_base_year``. Some defaults are published
in other years' prices (HM Treasury's £70,000 a QALY in 2020-21 prices; £104,000 GVA per life-sciences job in 2015
prices). ``uplift`` gives the factor that brings such a value into the base year's prices with HM Treasury's GDP
deflators at market prices [pub], the index the Green Book uses to express appraisal values in a common price base
(``valueshare/data/gdp_deflators.yaml``, dated and sourced).

Convention [ours, on the Treasury's series]: a price year Y means UK financial year Y to Y+1 (April to March), the
period the Treasury's index is published for: 2020 is 2020-21 and a base year of 2026 is 2026-27. A value published
in calendar-year prices (e.g. "2015 prices") is read as financial year Y, which shares nine of its twelve months.

>>> round(uplift(2020, 2024), 6)  # 100 / 85.1002
1.175085
>>> uplift(2031, 2031)  # the same year: no table needed
1.0
>>> financial_year(2020)
'2020-21'
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TABLE = Path(__file__).resolve().parent / "data" / "gdp_deflators.yaml"


@dataclass(frozen=True)
class Deflators:
    """HM Treasury's GDP deflator index by financial year (the year it starts in), as shipped."""

    release: str
    published: datetime.date
    last_outturn_year: int          # later years are OBR-forecast-based
    index: dict[int, float]

    @property
    def first_year(self) -> int:
        return min(self.index)

    @property
    def last_year(self) -> int:
        return max(self.index)


@dataclass(frozen=True)
class Uplift:
    """How a value in ``from_year``'s prices was brought into ``to_year``'s: the factor and whether it rests on a
    forecast."""

    from_year: int
    to_year: int
    factor: float
    forecast: bool                  # True if either year's index is OBR-forecast-based

    def text(self) -> str:
        """'2020-21 prices × 1.2375 (GDP deflator) to 2026-27', or 'in 2026-27 prices' when there is no uplift."""
        if self.from_year == self.to_year:
            return f"in {financial_year(self.to_year)} prices"
        basis = "GDP deflator, OBR forecast" if self.forecast else "GDP deflator"
        return (f"{financial_year(self.from_year)} prices × {self.factor:.4f} ({basis}) to "
                f"{financial_year(self.to_year)}")


class OutsideTable(ValueError):
    """A price year the shipped deflator table does not cover."""


def financial_year(year: int) -> str:
    """The financial year that starts in ``year``, written as the Treasury writes it: 2020 → '2020-21'."""
    return f"{year}-{(year + 1) % 100:02d}"


@cache
def deflators() -> Deflators:
    """The shipped table, read once."""
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    return Deflators(release=str(data["release"]), published=data["published"],
                     last_outturn_year=int(data["last_outturn_year"]),
                     index={int(year): float(value) for year, value in data["index"].items()})


def covers(year: int) -> bool:
    """Whether the table has an index value for the financial year starting in ``year``."""
    return year in deflators().index


def uplift(from_year: int, to_year: int) -> float:
    """Factor that brings a value in ``from_year``'s prices into ``to_year``'s: index(to) / index(from).

    The same year gives exactly 1 whatever the table covers; a year outside the table raises ``OutsideTable``.
    """
    if from_year == to_year:
        return 1.0
    table = deflators()
    for year in (from_year, to_year):
        if year not in table.index:
            raise OutsideTable(f"HM Treasury's GDP deflators shipped with valueshare run from "
                               f"{financial_year(table.first_year)} to {financial_year(table.last_year)}; "
                               f"{financial_year(year)} is not among them")
    return table.index[to_year] / table.index[from_year]


def uplift_of(from_year: int, to_year: int) -> Uplift:
    """``uplift`` with its years and whether it rests on an OBR forecast."""
    forecast = from_year != to_year and max(from_year, to_year) > deflators().last_outturn_year
    return Uplift(from_year, to_year, uplift(from_year, to_year), forecast)
