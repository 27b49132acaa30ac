"""The kinds of task residents may do: the list the city keeps (issue #15).

Each category says, in the residents' words, what they may do under it, and carries the safety
note a task of that kind starts from (the task manager can adjust it per task on the commission
form or in a task file). The list is a file in the code, not a table the web page edits: what
residents may do is a decision of the city's policy, insurance and works council, taken rarely
and reviewed, and the scripts (``ape run tasks``), the API and the dApp must all apply the same
list without a database of their own. A change is a reviewed commit and a new release; ``GET
/task-categories`` gives the dApp the list as it is.

``wesh.rules.CATEGORIES`` (the keys, in this order) is read from here. A key, once used in a task
document, stays: documents on chain name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class TaskCategory:
    key: str
    name_nl: str
    name_en: str
    #: What residents may do under this category (shown on the commission form).
    may_nl: str
    may_en: str
    #: The safety note a new task of this kind starts with (what the resident reads before
    #: claiming).
    safety_nl: str
    safety_en: str

    def public(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": {"nl": self.name_nl, "en": self.name_en},
            "may": {"nl": self.may_nl, "en": self.may_en},
            "safety": {"nl": self.safety_nl, "en": self.safety_en},
        }


TASK_CATEGORIES: Final = (
    TaskCategory(
        "schilderen",
        "schilderen",
        "painting",
        "Bankjes, hekjes en paaltjes schuren en verven met de verf die de gemeente levert.",
        "Sanding and painting benches, fences and posts with paint the city provides.",
        "Draag handschoenen en oude kleding. Werk niet naast rijdend verkeer. Vanaf 16 jaar.",
        "Wear gloves and old clothes. Do not work next to moving traffic. Aged 16 and over.",
    ),
    TaskCategory(
        "stickers",
        "stickers verwijderen",
        "removing stickers",
        "Stickers en plakbriefjes van palen, kasten en borden halen, op ooghoogte.",
        "Removing stickers and posters from poles, boxes and signs, at eye level.",
        "Alleen wat je vanaf de grond bereikt: geen ladder. Gebruik geen scherpe mesjes.",
        "Only what you reach from the ground: no ladder. Do not use sharp blades.",
    ),
    TaskCategory(
        "onkruid",
        "onkruid wieden",
        "weeding",
        "Onkruid wieden in plantvakken, tussen tegels en langs paden, met handgereedschap.",
        "Weeding flower beds, between paving stones and along paths, with hand tools.",
        "Draag handschoenen. Geen gif of brander gebruiken. Blijf van de rijbaan af.",
        "Wear gloves. Do not use weed killer or a burner. Stay off the road.",
    ),
    TaskCategory(
        "zwerfafval",
        "zwerfafval",
        "litter",
        "Zwerfafval rapen met een grijper en zakken die de gemeente levert.",
        "Picking up litter with a grabber and bags the city provides.",
        "Draag handschoenen en gebruik de grijper. Raak naalden, glas en chemicaliën niet aan: "
        "meld ze bij de gemeente. Blijf uit de buurt van verkeer.",
        "Wear gloves and use the grabber. Do not touch needles, glass or chemicals: report them "
        "to the city. Keep away from traffic.",
    ),
    TaskCategory(
        "graffiti",
        "graffiti",
        "graffiti",
        "Kleine tags op gemeentelijk straatmeubilair overschilderen of wegpoetsen met wat de "
        "gemeente levert. Geen muren van anderen, geen oplosmiddelen.",
        "Painting over or wiping off small tags on city street furniture with what the city "
        "provides. No other people's walls, no solvents.",
        "Draag handschoenen en een bril. Alleen vanaf de grond, geen ladder. Vanaf 16 jaar.",
        "Wear gloves and glasses. Only from the ground, no ladder. Aged 16 and over.",
    ),
    TaskCategory(
        "groen",
        "groen",
        "greenery",
        "Water geven, bollen planten, bladeren harken en nestkastjes ophangen tot schouderhoogte.",
        "Watering, planting bulbs, raking leaves and hanging nest boxes up to shoulder height.",
        "Draag handschoenen en stevige schoenen. Niet snoeien met machines, niet in bomen klimmen.",
        "Wear gloves and sturdy shoes. No pruning with machines, no climbing trees.",
    ),
    TaskCategory(
        "overig",
        "overig",
        "other",
        "Ander licht werk in de openbare ruimte dat geen vakkennis of machines vraagt.",
        "Other light work in public space that needs no trade skills or machines.",
        "Draag handschoenen. Werk niet naast rijdend verkeer. Stop als iets onveilig voelt en "
        "meld het bij de gemeente.",
        "Wear gloves. Do not work next to moving traffic. Stop if anything feels unsafe and "
        "tell the city.",
    ),
)

BY_KEY: Final = {category.key: category for category in TASK_CATEGORIES}
