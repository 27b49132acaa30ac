"""The demo's Heerlen: city staff, five shops, ten citizens and a dozen tasks.

Everything here is fictional but believable: real neighbourhoods and streets, invented shop
names, first names only for the citizens (the demo prints them so a newcomer knows which wallet
to use; nothing personal ever goes on chain). Account numbers are indexes into anvil's dev
accounts (mnemonic "test test ... junk"); the same indexes are ape's ``TEST::<n>`` accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from wesh.contract import Role

#: Who acts for the city in the story and the history: anvil's dev account numbers (the
#: tables below give each its part).
REGISTRAR, MERCHANT_MANAGER, TASK_MANAGER, REVIEWER, TREASURER = 1, 2, 3, 4, 6


@dataclass(frozen=True)
class Staff:
    account: int
    who: str  # Dutch first
    roles: Role


@dataclass(frozen=True)
class Shop:
    account: int
    name: str
    kind: str
    street: str
    postcode: str
    neighbourhood: str
    lat: float
    lon: float
    bank: str  # fictional bank code for the demo IBAN
    website: str | None = None
    opening_hours: str | None = None  # as on the door; residents read it on /burger


@dataclass(frozen=True)
class Citizen:
    account: int
    name: str
    neighbourhood: str


@dataclass(frozen=True)
class Association:
    """A neighbourhood association: registers residents of its neighbourhoods through the
    neighbourhood desk contract (issue #14)."""

    account: int
    who: str  # Dutch first
    neighbourhoods: tuple[str, ...]


@dataclass(frozen=True)
class TaskPlan:
    key: str
    title: str
    title_en: str
    description: str
    description_en: str
    neighbourhood: str
    street: str
    lat: float
    lon: float
    reward: int  # cents
    slots: int
    deadline_days: int  # claim deadline, days after the demo's "now"
    duration_days: int


STAFF: tuple[Staff, ...] = (
    Staff(0, "Gemeente Heerlen, beheer / city admin", Role.ADMIN),
    Staff(1, "Burgerzaken: inwoners inschrijven / registers citizens", Role.REGISTRAR),
    Staff(2, "Heerlen Mijn Stad: ondernemers aansluiten / onboards shops",
          Role.MERCHANT_MANAGER),
    Staff(3, "Stadsbeheer: klussen uitzetten / commissions tasks", Role.TASK_MANAGER),
    Staff(4, "Stadsbeheer: werk beoordelen / reviews work", Role.REVIEWER),
    Staff(5, "Onafhankelijk beoordelaar: bezwaren / decides appeals", Role.REVIEWER),
    Staff(6, "Financiën: budget en uitbetalingen / treasurer", Role.TREASURER),
)  # fmt: skip

SHOPS: tuple[Shop, ...] = (
    Shop(7, "Bakkerij Coriovallum", "bakery", "Saroleastraat 48", "6411 HN", "Centrum",
         50.88795, 5.98035, "RABO", opening_hours="di-za 7.30-17.00"),
    Shop(8, "Café De Mijnlamp", "bar", "Pancratiusplein 12", "6411 JR", "Centrum",
         50.88815, 5.98165, "INGB", opening_hours="ma-zo 10.00-24.00"),
    Shop(9, "Boekhandel Het Geleenbeekje", "bookshop", "Akerstraat 70", "6411 HB", "Centrum",
         50.88690, 5.98240, "ABNA", opening_hours="di-za 9.30-18.00"),
    Shop(10, "Wijktheater De Schacht", "theatre", "Heerlerbaan 110", "6418 CH", "Heerlerbaan",
         50.87420, 6.00480, "SNSB", opening_hours="kassa wo-za 13.00-17.00"),
    Shop(11, "Fietsenmaker Oranje Nassau", "bike shop", "Hoofdstraat 23", "6431 LA",
         "Hoensbroek", 50.92180, 5.92650, "ASNB", opening_hours="ma-vr 9.00-18.00, za 9.00-16.00"),
)  # fmt: skip

CITIZENS: tuple[Citizen, ...] = (
    Citizen(12, "Anouk", "Schandelen"),
    Citizen(13, "Bram", "Grasbroek"),
    Citizen(14, "Chantal", "Musschemig"),
    Citizen(15, "Dirk", "Centrum"),
    Citizen(16, "Esra", "Heerlerbaan"),
    Citizen(17, "Fenna", "Hoensbroek"),
    Citizen(18, "Gijs", "Heerlerheide"),
    Citizen(19, "Hanneke", "Meezenbroek"),
    Citizen(20, "Ilias", "Molenberg"),
    Citizen(21, "Joke", "Welten"),
)

#: Wallets left unregistered, for trying ``ape run citizens register`` on the demo chain.
SPARE_ACCOUNTS = tuple(range(22, 30))
#: The city's relayer: the one account that pays the fees (docs/relayer.md). Every citizen, shop
#: and staff account holds 0 of the native token; only the admin (the deployer, a multisig in
#: production, whose calls are not relayed) and the relayer hold any.
RELAYER_ACCOUNT = 30
#: GMS, the neighbourhood association that brings in the first residents: the registrar grants
#: its account two neighbourhoods on the neighbourhood desk (it holds no city role).
ASSOCIATIONS: tuple[Association, ...] = (
    Association(31, "GMS, buurtvereniging: meldt inwoners aan / registers residents",
                ("Schandelen", "Meezenbroek")),
)  # fmt: skip

#: The city's (fictional) account that cash-outs are paid from.
CITY_BANK = ("BNGH", "0285059842")
CITY_BIC = "BNGHNL2G"

BUDGET = 5_000_00  # cents

TASKS: tuple[TaskPlan, ...] = (
    TaskPlan(
        "bench", "Bankje schilderen in het Aambos", "Paint a bench in the Aambos",
        "Schuur het houten bankje bij de vijver licht op en geef het twee lagen groene "
        "buitenverf. Verf, kwasten en schuurpapier liggen klaar bij de wijkwerkplaats.",
        "Sand the wooden bench by the pond and give it two coats of green outdoor paint. Paint, "
        "brushes and sandpaper are ready at the neighbourhood workshop.",
        "Schandelen", "Aambos, bankje bij de vijver", 50.89380, 5.99310, 25_00, 2, 21, 14,
    ),
    TaskPlan(
        "stickers", "Stickers verwijderen van lantaarnpalen Promenade",
        "Remove stickers from lampposts on the Promenade",
        "Verwijder stickers en plakresten van de lantaarnpalen tussen het Raadhuisplein en de "
        "Bongerd. Gebruik de stickerschraper en het sopje uit het pakket.",
        "Remove stickers and glue from the lampposts between Raadhuisplein and Bongerd. Use the "
        "scraper and soapy water from the kit.",
        "Centrum", "Promenade, tussen Raadhuisplein en Bongerd", 50.88680, 5.97920, 12_50, 3,
        14, 7,
    ),
    TaskPlan(
        "weeding", "Onkruid wieden plantsoen Schandelerboord",
        "Weed the Schandelerboord flower bed",
        "Wied het onkruid in het plantsoen naast de speeltuin en veeg het pad erlangs. Groenafval "
        "mag in de groene container bij de ingang.",
        "Weed the flower bed next to the playground and sweep the path along it. Green waste "
        "goes in the green container at the entrance.",
        "Schandelen", "Schandelerboord, plantsoen bij de speeltuin", 50.89810, 5.99790, 15_00, 2,
        21, 7,
    ),
    TaskPlan(
        "litter", "Zwerfafval prikken rond het Burgemeester van Grunsvenplein",
        "Pick up litter around Burgemeester van Grunsvenplein",
        "Prik zwerfafval rond het plein en de ingang van het theater. Grijper, handschoenen en "
        "zakken kun je lenen bij de stadswinkel.",
        "Pick up litter around the square and the theatre entrance. A grabber, gloves and bags "
        "can be borrowed at the city shop.",
        "Centrum", "Burgemeester van Grunsvenplein", 50.88480, 5.98120, 10_00, 4, 14, 7,
    ),
    TaskPlan(
        "graffiti", "Graffiti verwijderen onderdoorgang Spoorsingel",
        "Remove graffiti in the Spoorsingel underpass",
        "Verwijder de kleine tags op de tegelwand van de fietstunnel met de graffitireiniger "
        "uit het pakket. Grote schilderingen laat je staan: die doet de gemeente zelf.",
        "Remove the small tags on the tiled wall of the cycle tunnel with the cleaner from the "
        "kit. Leave large murals: the city handles those itself.",
        "Grasbroek", "Spoorsingel, fietstunnel", 50.89130, 5.97420, 20_00, 1, 28, 14,
    ),
    TaskPlan(
        "watering", "Plantenbakken water geven Pancratiusplein",
        "Water the planters on Pancratiusplein",
        "Geef de zes plantenbakken op het plein twee keer per week water. De gieter en het "
        "tappunt zitten bij de kerk.",
        "Water the six planters on the square twice a week. The watering can and the tap are "
        "next to the church.",
        "Centrum", "Pancratiusplein", 50.88800, 5.98200, 7_50, 2, 14, 7,
    ),
    TaskPlan(
        "bulbs", "Bloembollen planten in de berm Heerlerbaan",
        "Plant flower bulbs along the Heerlerbaan verge",
        "Plant 200 krokus- en narcisbollen in de berm bij de rotonde. Bollen en plantschepjes "
        "worden op zaterdagochtend klaargezet.",
        "Plant 200 crocus and daffodil bulbs in the verge by the roundabout. Bulbs and trowels "
        "are put out on Saturday morning.",
        "Heerlerbaan", "Heerlerbaan, berm bij de rotonde", 50.87420, 6.00600, 17_50, 3, 35, 14,
    ),
    TaskPlan(
        "playground", "Zandbak harken en speeltuin vegen Musschemig",
        "Rake the sandpit and sweep the Musschemig playground",
        "Hark de zandbak door, haal glas en afval eruit en veeg de tegels rond de toestellen.",
        "Rake the sandpit, take out glass and litter, and sweep the tiles around the equipment.",
        "Musschemig", "Speeltuin aan de Eikenderweg", 50.89900, 5.98700, 10_00, 2, 21, 7,
    ),
    TaskPlan(
        "brook", "Zwerfafval opruimen langs de Geleenbeek bij Kasteel Hoensbroek",
        "Clear litter along the Geleenbeek near Hoensbroek Castle",
        "Ruim zwerfafval op langs het wandelpad aan de Geleenbeek, vanaf het kasteel tot de "
        "brug. Blijf op het pad en ga niet het water in.",
        "Clear litter along the footpath by the Geleenbeek, from the castle to the bridge. Stay "
        "on the path and keep out of the water.",
        "Hoensbroek", "Klinkertstraat, wandelpad Geleenbeekdal", 50.92220, 5.92700, 15_00, 3, 28,
        14,
    ),
    TaskPlan(
        "moss", "Mos verwijderen tussen de tegels van het Corneliusplein",
        "Remove moss between the paving of Corneliusplein",
        "Krab mos en onkruid tussen de tegels rond de bankjes vandaan. Een voegenkrabber ligt "
        "klaar in het buurthuis.",
        "Scrape moss and weeds from between the tiles around the benches. A joint scraper is "
        "ready at the community centre.",
        "Heerlerheide", "Sint Corneliusplein", 50.90780, 5.96400, 12_00, 2, 21, 7,
    ),
    TaskPlan(
        "nestboxes", "Nestkastjes ophangen langs de Caumerbeek",
        "Hang nest boxes along the Caumerbeek",
        "Hang vijf nestkastjes op aan de bomen langs het wandelpad, op ongeveer twee meter "
        "hoogte, met de opening naar het oosten. Kastjes en bevestiging krijg je mee.",
        "Hang five nest boxes on the trees along the footpath, about two metres up, the opening "
        "facing east. Boxes and fixings are provided.",
        "Meezenbroek", "Wandelpad langs de Caumerbeek", 50.87950, 6.01100, 8_00, 2, 35, 14,
    ),
    TaskPlan(
        "leaves", "Bladeren ruimen bij de Weltervijver", "Clear leaves at the Weltervijver",
        "Hark de bladeren van het pad rond de vijver en schep ze in de bladkorven.",
        "Rake the leaves off the path around the pond and put them in the leaf baskets.",
        "Welten", "Weltervijver, pad langs het water", 50.86850, 5.97000, 10_00, 2, 21, 7,
    ),
)  # fmt: skip


#: How long one resident needs for each demo task (minutes): the overview's reward per hour.
#: The graffiti task (20.00 for 45 minutes, 26.67 an hour) is above the city's warning of 15.00
#: an hour, so a newcomer sees the warning in /gemeente/klussen (issue #15).
MINUTES = {
    "bench": 150,
    "stickers": 90,
    "weeding": 120,
    "litter": 60,
    "graffiti": 45,
    "watering": 40,
    "bulbs": 120,
    "playground": 60,
    "brook": 120,
    "moss": 90,
    "nestboxes": 60,
    "leaves": 60,
}
#: The demo task above the hourly warning.
ABOVE_HOURLY_WARNING = "graffiti"

#: The kind of each demo task (wesh.rules.CATEGORIES), for the dApp's filters.
CATEGORY = {
    "bench": "schilderen",
    "stickers": "stickers",
    "weeding": "onkruid",
    "litter": "zwerfafval",
    "graffiti": "graffiti",
    "watering": "groen",
    "bulbs": "groen",
    "playground": "overig",
    "brook": "zwerfafval",
    "moss": "onkruid",
    "nestboxes": "groen",
    "leaves": "groen",
}


# ---------------------------------------------------------------- the months before (issue #16)
#: The neighbours: residents who have done the monthly task of their neighbourhood since the city
#: began, three calendar months before this one (``demo.history``). Enough people that the city's
#: statistics show figures: Schandelen, Heerlerbaan and Hoensbroek have ten or more residents at
#: work in a month; Welten and Meezenbroek fewer, so their cells are suppressed, and each is the
#: other's complement (a small cell alone in its month's column would cost a large cell).
NEIGHBOURS_BY_HOOD: dict[str, tuple[str, ...]] = {
    "Schandelen": ("Lotte", "Sem", "Noor", "Daan", "Emma", "Luuk", "Julia", "Milan", "Sophie",
                   "Thijs", "Fleur", "Ruben", "Iris", "Jesse"),
    "Heerlerbaan": ("Anna", "Bas", "Lieke", "Niels", "Roos", "Stijn", "Sanne", "Tim", "Eva",
                    "Koen", "Mila", "Jeroen"),
    "Hoensbroek": ("Femke", "Wout", "Lisa", "Maarten", "Nina", "Rik", "Yara", "Guus", "Demi",
                   "Mats", "Linde", "Teun"),
    "Welten": ("Ellen", "Harrie", "Mariska", "Jo"),
    "Meezenbroek": ("Truus", "Ferdi", "Nadia", "Sjef"),
}  # fmt: skip
FIRST_NEIGHBOUR = 32
NEIGHBOURS: tuple[Citizen, ...] = tuple(
    Citizen(FIRST_NEIGHBOUR + i, name, hood)
    for i, (hood, name) in enumerate(
        (hood, name) for hood, names in NEIGHBOURS_BY_HOOD.items() for name in names
    )
)
ACCOUNTS = FIRST_NEIGHBOUR + len(NEIGHBOURS)


@dataclass(frozen=True)
class MonthlyTask:
    """A neighbourhood's monthly task: commissioned at the start of each round with a slot for
    every neighbour taking part."""

    neighbourhood: str
    title: str
    title_en: str
    description: str
    description_en: str
    street: str
    lat: float
    lon: float
    reward: int  # cents
    minutes: int
    category: str


MONTHLY_TASKS: tuple[MonthlyTask, ...] = (
    MonthlyTask(
        "Schandelen", "Zwerfafval prikken in het Aambos", "Pick up litter in the Aambos",
        "Prik een uur zwerfafval langs de paden van het Aambos. Grijpers en zakken staan bij de "
        "wijkwerkplaats.",
        "Pick up litter along the Aambos paths for an hour. Grabbers and bags are at the "
        "neighbourhood workshop.",
        "Aambos, ingang Schandelerboord", 50.89420, 5.99250, 12_50, 60, "zwerfafval",
    ),
    MonthlyTask(
        "Heerlerbaan", "Plantsoenen wieden aan de Heerlerbaan", "Weed the Heerlerbaan flower beds",
        "Wied de plantsoenen bij het winkelcentrum en veeg de tegels erlangs.",
        "Weed the flower beds by the shopping centre and sweep the paving along them.",
        "Heerlerbaan, plantsoen bij het winkelcentrum", 50.87380, 6.00420, 10_00, 90, "onkruid",
    ),
    MonthlyTask(
        "Hoensbroek", "Wandelpad Geleenbeekdal schoonhouden", "Keep the Geleenbeekdal path clean",
        "Veeg het wandelpad vanaf het kasteel tot de brug en ruim het zwerfafval op.",
        "Sweep the footpath from the castle to the bridge and clear the litter.",
        "Klinkertstraat, wandelpad Geleenbeekdal", 50.92250, 5.92760, 15_00, 120, "zwerfafval",
    ),
    MonthlyTask(
        "Welten", "Bankjes bij de Weltervijver schoonmaken",
        "Clean the benches at the Weltervijver",
        "Maak de vier bankjes rond de vijver schoon met het sopje uit het pakket.",
        "Clean the four benches around the pond with the soapy water from the kit.",
        "Weltervijver, bankjes", 50.86880, 5.97060, 10_00, 60, "overig",
    ),
    MonthlyTask(
        "Meezenbroek", "Speelveld Meezenbroek opruimen", "Tidy the Meezenbroek playing field",
        "Ruim glas en afval op rond het speelveld en de bankjes.",
        "Clear glass and litter around the playing field and the benches.",
        "Speelveld aan de Meezenbroekerweg", 50.87900, 6.01020, 8_00, 60, "zwerfafval",
    ),
)  # fmt: skip


def _span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


#: Who takes part in each round, by round (3, 2, 1: that many calendar months before this one; 0:
#: this month, in the hours before the demo starts), as 1-based places in NEIGHBOURS_BY_HOOD.
#: A neighbour whose first round it is counts as first-time in the statistics, else returning.
ROUNDS: dict[int, dict[str, tuple[int, ...]]] = {
    3: {"Schandelen": _span(1, 10), "Heerlerbaan": _span(1, 10), "Hoensbroek": _span(1, 10),
        "Welten": _span(1, 2), "Meezenbroek": _span(1, 2)},
    2: {"Schandelen": _span(1, 8) + _span(11, 14), "Heerlerbaan": _span(1, 11),
        "Hoensbroek": _span(1, 11), "Welten": _span(1, 3), "Meezenbroek": _span(1, 3)},
    1: {"Schandelen": _span(3, 14), "Heerlerbaan": _span(2, 12), "Hoensbroek": _span(1, 12),
        "Welten": _span(1, 4), "Meezenbroek": _span(2, 4)},
    0: {"Schandelen": _span(1, 11), "Heerlerbaan": _span(1, 10), "Hoensbroek": _span(1, 10),
        "Welten": _span(1, 2), "Meezenbroek": _span(1, 2)},
}  # fmt: skip

#: What the neighbours spend at the shops after each round's approvals: (shop account, their
#: neighbourhood, their places, cents each). Bakery and bar (in Centrum) draw ten or more residents
#: a month; bookshop, theatre (Heerlerbaan) and bike shop (Hoensbroek) two or three every month,
#: so their small cells are each other's complements in every month, whichever month the story's
#: few payments fall in (by shop kind and by shopping area alike).
SPENDING: dict[int, tuple[tuple[int, str, tuple[int, ...], int], ...]] = {
    3: ((7, "Schandelen", _span(1, 10), 4_50), (9, "Hoensbroek", _span(1, 2), 9_95),
        (10, "Hoensbroek", _span(3, 4), 8_00), (11, "Hoensbroek", _span(5, 6), 6_00)),
    2: ((7, "Schandelen", _span(1, 8) + _span(11, 13), 4_50),
        (8, "Heerlerbaan", _span(1, 10), 3_80), (9, "Hoensbroek", _span(1, 2), 9_95),
        (10, "Hoensbroek", _span(3, 5), 8_00), (11, "Hoensbroek", _span(6, 7), 6_00)),
    1: ((7, "Schandelen", _span(3, 14), 4_50), (8, "Heerlerbaan", _span(2, 11), 3_80),
        (9, "Hoensbroek", _span(1, 3), 9_95), (10, "Hoensbroek", _span(4, 5), 8_00),
        (11, "Hoensbroek", _span(6, 7), 6_00)),
    0: ((7, "Schandelen", _span(1, 10), 4_50), (8, "Heerlerbaan", _span(1, 10), 3_80),
        (9, "Hoensbroek", _span(1, 2), 9_95), (10, "Hoensbroek", _span(3, 4), 8_00),
        (11, "Hoensbroek", _span(5, 6), 6_00)),
}  # fmt: skip

#: This month's neighbourhood goals (tasks to be done there), set by Stadsbeheer.
GOALS: dict[str, int] = {"Schandelen": 30, "Heerlerbaan": 25, "Hoensbroek": 20}

#: Shops' offers (Dutch, English), by shop account, as the shop or Heerlen Mijn Stad writes them.
OFFERS: dict[int, tuple[str, str]] = {
    7: ("10% korting met Heitjes", "10% off when you pay with Heitjes"),
    9: ("Elke maand een boekenlegger cadeau bij betalen met Heitjes",
        "A free bookmark every month when you pay with Heitjes"),
    10: ("Voorstelling op woensdag: 2 euro korting met Heitjes",
         "Wednesday shows: 2 euros off with Heitjes"),
}  # fmt: skip
