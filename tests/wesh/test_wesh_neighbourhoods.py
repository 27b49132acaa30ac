"""The neighbourhood table's CBS wijk and buurt codes (issue #16): their form, and lookup by them.

The expected codes are written out here by hand from CBS table 85984NED (Kerncijfers wijken en
buurten 2024), not computed by wesh/neighbourhoods.py.
"""

from __future__ import annotations

import re

import pytest

from wesh import neighbourhoods
from wesh.neighbourhoods import NEIGHBOURHOODS, UnknownNeighbourhood, in_cbs_area, lookup

#: name -> (CBS buurten, CBS wijk or None when the buurten lie in two wijken)
EXPECTED = {
    "Centrum": (("BU09173300",), "WK091733"),
    "Grasbroek": (("BU09173101",), "WK091731"),
    "Musschemig": (("BU09173100",), "WK091731"),
    "Schandelen": (("BU09173102",), "WK091731"),
    "Bekkerveld": (("BU09173700",), "WK091737"),
    "Heerlerbaan": (("BU09174000", "BU09174102"), None),
    "Meezenbroek": (("BU09173202",), "WK091732"),
    "Zeswegen": (("BU09173001",), "WK091730"),
    "Welten": (("BU09173601",), "WK091736"),
    "Benzenrade": (("BU09173603",), "WK091736"),
    "Vrieheide": (("BU09172004",), "WK091720"),
    "Heerlerheide": (("BU09172101",), "WK091721"),
    "Passart": (("BU09172100",), "WK091721"),
    "Molenberg": (("BU09173900",), "WK091739"),
    "Hoensbroek": (("BU09171200",), "WK091712"),
    "Nieuw Lotbroek": (("BU09171300", "BU09171301"), "WK091713"),
}


def test_every_neighbourhood_has_buurt_codes_of_the_right_form() -> None:
    assert {hood.name for hood in NEIGHBOURHOODS} == set(EXPECTED)
    seen: set[str] = set()
    for hood in NEIGHBOURHOODS:
        assert hood.cbs_buurten, hood.name
        for buurt in hood.cbs_buurten:
            assert re.fullmatch(r"BU0917\d{4}", buurt), buurt
            assert buurt not in seen, f"{buurt} is in two neighbourhoods"
            seen.add(buurt)
        for wijk in hood.cbs_wijken:
            assert re.fullmatch(r"WK0917\d{2}", wijk), wijk
        assert hood.cbs_wijk is None or re.fullmatch(r"WK0917\d{2}", hood.cbs_wijk)
        assert (hood.cbs_buurten, hood.cbs_wijk) == EXPECTED[hood.name], hood.name
    assert neighbourhoods.CBS_GEMEENTE == "GM0917"
    assert "85984NED" in neighbourhoods.CBS_SOURCE


def test_the_cbs_names_of_our_buurten_are_recorded() -> None:
    assert set(neighbourhoods.CBS_BUURT_NAMES) == {
        buurt for hood in NEIGHBOURHOODS for buurt in hood.cbs_buurten
    }
    names = neighbourhoods.CBS_BUURT_NAMES
    assert names["BU09173102"] == "Schandelen"
    assert names["BU09173300"] == "Heerlen-Centrum"
    assert names["BU09172101"] == "Heerlerheide Kom"
    assert (names["BU09174000"], names["BU09174102"]) == ("Heerlerbaan-Oost", "Heerlerbaan-West")


def test_a_neighbourhood_across_two_wijken_has_no_single_wijk() -> None:
    heerlerbaan = lookup("Heerlerbaan")
    assert heerlerbaan.cbs_wijken == ("WK091740", "WK091741")
    assert heerlerbaan.cbs_wijk is None


def test_lookup_by_cbs_buurt_code() -> None:
    assert lookup("BU09173102").name == "Schandelen"
    assert lookup("bu09171301").name == "Nieuw Lotbroek"
    assert lookup(" BU09174102 ").name == "Heerlerbaan"
    with pytest.raises(UnknownNeighbourhood, match="BU09171001 is not a buurt or wijk"):
        lookup("BU09171001")  # Terschuren: a Heerlen buurt this table does not use


def test_lookup_by_cbs_wijk_code_only_where_it_is_one_of_ours() -> None:
    assert lookup("WK091713").name == "Nieuw Lotbroek"
    assert lookup("wk091740").name == "Heerlerbaan"
    with pytest.raises(UnknownNeighbourhood, match=r"Grasbroek, Musschemig, Schandelen"):
        lookup("WK091731")
    with pytest.raises(UnknownNeighbourhood, match="WK091710 is not a buurt or wijk"):
        lookup("WK091710")
    assert [hood.name for hood in in_cbs_area("WK091721")] == ["Heerlerheide", "Passart"]
    assert [hood.code for hood in in_cbs_area("WK091731")] == [2, 3, 4]
    assert in_cbs_area("WK091799") == ()


def test_names_that_are_not_codes_still_get_suggestions() -> None:
    with pytest.raises(UnknownNeighbourhood, match="did you mean Bekkerveld"):
        lookup("Bekerveld")
    with pytest.raises(UnknownNeighbourhood, match=r"see wesh/neighbourhoods\.py"):
        lookup("Burettestraat")
