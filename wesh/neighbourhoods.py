"""Heerlen's neighbourhoods: the city-side table behind the neighbourhood codes on chain.

The contracts store only a 16-bit code per citizen and per task: a coarse neighbourhood code,
never an address (docs/product.md, "What never goes on chain"). This table gives each code its
name, its place in the city and a centre point, so that scripts can accept "Schandelen" instead
of 4, the web map can centre on it, and the statistics exports can be joined to CBS figures.

Codes are permanent: once a code is used on chain it must keep its meaning. Add new neighbourhoods
at the end with a new code; never renumber. Another municipality running WESH replaces this table
with its own.

CBS codes. ``cbs_buurten`` are the official CBS buurt codes (``BU0917wwbb``; Heerlen is gemeente
GM0917) of the CBS buurten that carry the neighbourhood's name. Source: CBS StatLine
"Kerncijfers wijken en buurten 2024", table 85984NED
(https://www.cbs.nl/nl-nl/cijfers/detail/85984NED, OData https://opendata.cbs.nl/ODataApi/OData/85984NED,
dimension WijkenEnBuurten); the 2017 table 83765NED lists the same 57 Heerlen buurten under the
same codes and names, so the codes have been stable since at least 2017. This machine cannot reach
CBS, so the list was read from a verbatim export of both tables' WijkenEnBuurtenCodes (columns
Identifier, Title) in the public repository dat-nguyen96/Micro-Neighbourhood
(backend/data/cbs_buurt_namen_85984.csv and _83765.csv), in December 2026 (issue #16). Check it
against the current Wijk- en Buurtkaart when CBS publishes a new one: CBS redraws and renumbers.

``cbs_wijk`` is the CBS wijk code (``WK0917ww``) that the statistics office joins on. A CBS buurt
code is the wijk code plus two digits (GM code (4) + wijk (2) + buurt (2), "Toelichting Wijk- en
Buurtkaart"; table 83487NED (2016) lists buurt BU09171001 "Terschuren" under wijk WK091710 "Wijk
10 Maria Gewanden en Terschuren"), so the wijk is read off the buurt codes rather than stored
twice. None of our sixteen is a CBS wijk of its own except Nieuw Lotbroek (WK091713 is exactly
Nieuw Lotbroek-Noord and -Zuid); the others are one buurt of a larger wijk, and several share one:

- WK091731 holds Musschemig, Grasbroek and Schandelen (and Hoppersgraaf, not in this table);
- WK091721 is Passart and Heerlerheide Kom (our Heerlerheide) together;
- WK091736 holds Welten (CBS buurt Welten-Dorp) and Benzenrade (and Terworm, Ziekenhuis);
- WK091733 holds Centrum (CBS buurt Heerlen-Centrum) with Op de Nobel, 't Loon and Lindeveld;
- WK091712 holds Hoensbroek (CBS buurt Hoensbroek-Centrum) with De Dem; the other parts of
  Hoensbroek are wijken 10, 11, 13 and 14;
- Heerlerbaan is the buurten Heerlerbaan-Oost (WK091740) and Heerlerbaan-West (WK091741), two
  wijken, so its ``cbs_wijk`` is None: join it on its buurten.

Where the name differs, the buurt is the one our name means: Centrum = Heerlen-Centrum, Welten =
Welten-Dorp, Heerlerheide = Heerlerheide Kom, Hoensbroek = Hoensbroek-Centrum, Molenberg =
Molenbergpark (wijk 39 also holds Dr. Nolensplein, Dr. Schaepmanplein and Schiffelerveld, which
are not counted here). Known discrepancy: CBS puts Vrieheide (BU09172004) in wijk 20 with
Weggebekker, Uterweg, Nieuw-Einde and Versiliënbosch, i.e. in Heerlerheide north of the railway,
while this table's district and centre for code 11 say Heerlen-Zuid; the centre was not changed
for want of a surveyed point, so check it before relying on ``check_location`` for code 11.

The centres are approximate (good to a few hundred metres): they centre a map and sanity-check
task locations.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

MUNICIPALITY = "Heerlen"

#: A task location farther than this from its neighbourhood's centre is most likely a typo
#: (swapped latitude and longitude, or the wrong neighbourhood).
MAX_DISTANCE_KM = 3.0


#: The CBS gemeente code of Heerlen; every wijk and buurt code below starts with its digits.
CBS_GEMEENTE = "GM0917"

#: Where the CBS codes come from (see the module docstring for how they were read).
CBS_SOURCE = (
    "CBS StatLine 85984NED, Kerncijfers wijken en buurten 2024 (same codes in 83765NED, 2017)"
)

#: The CBS names of the buurten used below, as table 85984NED spells them.
CBS_BUURT_NAMES: dict[str, str] = {
    "BU09171200": "Hoensbroek-Centrum",
    "BU09171300": "Nieuw Lotbroek-Noord",
    "BU09171301": "Nieuw Lotbroek-Zuid",
    "BU09172004": "Vrieheide",
    "BU09172100": "Passart",
    "BU09172101": "Heerlerheide Kom",
    "BU09173001": "Zeswegen",
    "BU09173100": "Musschemig",
    "BU09173101": "Grasbroek",
    "BU09173102": "Schandelen",
    "BU09173202": "Meezenbroek",
    "BU09173300": "Heerlen-Centrum",
    "BU09173601": "Welten-Dorp",
    "BU09173603": "Benzenrade",
    "BU09173700": "Bekkerveld",
    "BU09173900": "Molenbergpark",
    "BU09174000": "Heerlerbaan-Oost",
    "BU09174102": "Heerlerbaan-West",
}


@dataclass(frozen=True)
class Neighbourhood:
    code: int
    name: str
    district: str  # stadsdeel
    lat: float
    lon: float
    cbs_buurten: tuple[str, ...] = ()  # CBS buurt codes, BU0917wwbb

    @property
    def cbs_wijken(self) -> tuple[str, ...]:
        """The CBS wijken the buurten lie in: a buurt code is its wijk code plus two digits."""
        return tuple(sorted({"WK" + buurt[2:8] for buurt in self.cbs_buurten}))

    @property
    def cbs_wijk(self) -> str | None:
        """The one CBS wijk this neighbourhood lies in, or None if its buurten span several."""
        wijken = self.cbs_wijken
        return wijken[0] if len(wijken) == 1 else None


NEIGHBOURHOODS: tuple[Neighbourhood, ...] = (
    Neighbourhood(1, "Centrum", "Heerlen-Centrum", 50.8882, 5.9795, ("BU09173300",)),
    Neighbourhood(2, "Grasbroek", "Heerlen-Centrum", 50.8930, 5.9705, ("BU09173101",)),
    Neighbourhood(3, "Musschemig", "Heerlen-Centrum", 50.8985, 5.9840, ("BU09173100",)),
    Neighbourhood(4, "Schandelen", "Heerlen-Centrum", 50.8960, 5.9950, ("BU09173102",)),
    Neighbourhood(5, "Bekkerveld", "Heerlen-Centrum", 50.8925, 5.9880, ("BU09173700",)),
    Neighbourhood(6, "Heerlerbaan", "Heerlen-Zuid", 50.8735, 6.0090, ("BU09174000", "BU09174102")),
    Neighbourhood(7, "Meezenbroek", "Heerlen-Zuid", 50.8800, 6.0130, ("BU09173202",)),
    Neighbourhood(8, "Zeswegen", "Heerlen-Zuid", 50.8870, 6.0020, ("BU09173001",)),
    Neighbourhood(9, "Welten", "Heerlen-Zuid", 50.8705, 5.9705, ("BU09173601",)),
    Neighbourhood(10, "Benzenrade", "Heerlen-Zuid", 50.8610, 5.9890, ("BU09173603",)),
    Neighbourhood(11, "Vrieheide", "Heerlen-Zuid", 50.8645, 6.0010, ("BU09172004",)),
    Neighbourhood(12, "Heerlerheide", "Heerlen-Noord", 50.9075, 5.9650, ("BU09172101",)),
    Neighbourhood(13, "Passart", "Heerlen-Noord", 50.9125, 5.9545, ("BU09172100",)),
    Neighbourhood(14, "Molenberg", "Heerlen-Noord", 50.8975, 5.9525, ("BU09173900",)),
    Neighbourhood(15, "Hoensbroek", "Heerlen-Noord", 50.9225, 5.9290, ("BU09171200",)),
    Neighbourhood(
        16, "Nieuw Lotbroek", "Heerlen-Noord", 50.9245, 5.9510, ("BU09171300", "BU09171301")
    ),
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
    """A neighbourhood by name (any case, "Nieuw-Lotbroek" too), code ("4"), CBS buurt code
    ("BU09173102") or CBS wijk code ("WK091713") where only one of ours lies in that wijk."""
    if isinstance(text, int):
        return by_code(text)
    key = " ".join(text.replace("-", " ").split()).casefold()
    if key.isdigit():
        return by_code(int(key))
    if key in _BY_NAME:
        return _BY_NAME[key]
    if re.fullmatch(r"(bu|wk)\d+", key):
        return _by_cbs_code(key.upper())
    close = difflib.get_close_matches(key, list(_BY_NAME), n=2, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(_BY_NAME[c].name for c in close)}?"
        if close
        else "see wesh/neighbourhoods.py for the list"
    )
    raise UnknownNeighbourhood(f"unknown neighbourhood {text!r}: {hint}")


def in_cbs_area(cbs_code: str) -> tuple[Neighbourhood, ...]:
    """Our neighbourhoods inside a CBS wijk or buurt (``WK0917ww`` / ``BU0917wwbb``, any case):
    several for a wijk like WK091731, none for a CBS area this table does not use."""
    code = cbs_code.strip().upper()
    return tuple(
        hood for hood in NEIGHBOURHOODS if code in hood.cbs_buurten or code in hood.cbs_wijken
    )


def _by_cbs_code(code: str) -> Neighbourhood:
    found = in_cbs_area(code)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(hood.name for hood in found)
        raise UnknownNeighbourhood(
            f"CBS wijk {code} holds several neighbourhoods ({names}): give the name or the "
            "CBS buurt code"
        )
    raise UnknownNeighbourhood(
        f"CBS code {code} is not a buurt or wijk of this table: see wesh/neighbourhoods.py"
    )


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
