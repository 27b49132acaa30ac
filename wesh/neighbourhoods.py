"""Heerlen's neighbourhoods: the city-side table behind the neighbourhood codes on chain.

The contracts store only a 16-bit code per citizen and per task: a coarse neighbourhood code,
never an address (docs/product.md, "What never goes on chain"). This table gives each code its
name, its place in the city and a centre point, so that scripts can accept "Schandelen" instead
of 4, the web map can centre on it, and the statistics exports can be joined to CBS figures.

Codes are permanent: once a code is used on chain it must keep its meaning. Add new neighbourhoods
at the end with a new code; never renumber. Another municipality running WESH replaces this table
with its own.

``cbs_wijk`` is the CBS wijk code (``WK0917xx``) that the statistics office joins on. It is left
empty here on purpose: the codes must be copied from CBS's current "Wijk- en Buurtkaart" for
Heerlen (gemeente GM0917), not guessed, because CBS redraws and renumbers wijken. Looked for
in December 2026 (issue #16): CBS StatLine "Kerncijfers wijken en buurten 2016" (table 83487NED,
https://www.cbs.nl/nl-nl/cijfers/detail/83487NED) lists Heerlen's wijken by number and compound
name, e.g. WK091710 "Wijk 10 Maria Gewanden en Terschuren" with buurt BU09171001 "Terschuren";
the code format is GM code (4) + wijk (2) [+ buurt (2)] ("Toelichting Wijk- en Buurtkaart 2021",
chapter 5). CBS wijken do not match the sixteen names below one to one (several of ours are CBS
buurten), and no complete current list for GM0917 was at hand, so the column stays empty until
someone copies it from the current Wijk- en Buurtkaart. The centres are
approximate (good to a few hundred metres): they centre a map and sanity-check task locations.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

MUNICIPALITY = "Heerlen"

#: A task location farther than this from its neighbourhood's centre is most likely a typo
#: (swapped latitude and longitude, or the wrong neighbourhood).
MAX_DISTANCE_KM = 3.0


@dataclass(frozen=True)
class Neighbourhood:
    code: int
    name: str
    district: str  # stadsdeel
    lat: float
    lon: float
    cbs_wijk: str | None = None


NEIGHBOURHOODS: tuple[Neighbourhood, ...] = (
    Neighbourhood(1, "Centrum", "Heerlen-Centrum", 50.8882, 5.9795),
    Neighbourhood(2, "Grasbroek", "Heerlen-Centrum", 50.8930, 5.9705),
    Neighbourhood(3, "Musschemig", "Heerlen-Centrum", 50.8985, 5.9840),
    Neighbourhood(4, "Schandelen", "Heerlen-Centrum", 50.8960, 5.9950),
    Neighbourhood(5, "Bekkerveld", "Heerlen-Centrum", 50.8925, 5.9880),
    Neighbourhood(6, "Heerlerbaan", "Heerlen-Zuid", 50.8735, 6.0090),
    Neighbourhood(7, "Meezenbroek", "Heerlen-Zuid", 50.8800, 6.0130),
    Neighbourhood(8, "Zeswegen", "Heerlen-Zuid", 50.8870, 6.0020),
    Neighbourhood(9, "Welten", "Heerlen-Zuid", 50.8705, 5.9705),
    Neighbourhood(10, "Benzenrade", "Heerlen-Zuid", 50.8610, 5.9890),
    Neighbourhood(11, "Vrieheide", "Heerlen-Zuid", 50.8645, 6.0010),
    Neighbourhood(12, "Heerlerheide", "Heerlen-Noord", 50.9075, 5.9650),
    Neighbourhood(13, "Passart", "Heerlen-Noord", 50.9125, 5.9545),
    Neighbourhood(14, "Molenberg", "Heerlen-Noord", 50.8975, 5.9525),
    Neighbourhood(15, "Hoensbroek", "Heerlen-Noord", 50.9225, 5.9290),
    Neighbourhood(16, "Nieuw Lotbroek", "Heerlen-Noord", 50.9245, 5.9510),
)

_BY_CODE = {n.code: n for n in NEIGHBOURHOODS}
_BY_NAME = {n.name.casefold(): n for n in NEIGHBOURHOODS}


class UnknownNeighbourhood(ValueError):
    """A name or code that is not in the table; the message suggests the nearest names."""


def by_code(code: int) -> Neighbourhood:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownNeighbourhood(f"no neighbourhood with code {code}") from None


def name_of(code: int) -> str:
    """The name for a code, or ``"code N"`` for a code this table does not know."""
    found = _BY_CODE.get(code)
    return found.name if found else f"code {code}"


def lookup(text: str | int) -> Neighbourhood:
    """A neighbourhood by name (any case, "Nieuw-Lotbroek" too), code ("4") or CBS wijk code."""
    if isinstance(text, int):
        return by_code(text)
    key = " ".join(text.replace("-", " ").split()).casefold()
    if key.isdigit():
        return by_code(int(key))
    if key in _BY_NAME:
        return _BY_NAME[key]
    for hood in NEIGHBOURHOODS:
        if hood.cbs_wijk and hood.cbs_wijk.casefold() == key:
            return hood
    close = difflib.get_close_matches(key, list(_BY_NAME), n=2, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(_BY_NAME[c].name for c in close)}?"
        if close
        else "see wesh/neighbourhoods.py for the list"
    )
    raise UnknownNeighbourhood(f"unknown neighbourhood {text!r}: {hint}")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def check_location(hood: Neighbourhood, lat: float, lon: float) -> str | None:
    """Why a location does not fit its neighbourhood, or None if it does."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"latitude {lat} / longitude {lon} is not a place on earth"
    km = distance_km(hood.lat, hood.lon, lat, lon)
    if km > MAX_DISTANCE_KM:
        swapped = distance_km(hood.lat, hood.lon, lon, lat) <= MAX_DISTANCE_KM
        hint = (
            "latitude and longitude look swapped"
            if swapped
            else "check lat/lon and the neighbourhood"
        )
        return f"location is {km:.1f} km from the centre of {hood.name}: {hint}"
    return None
