"""What the city keeps beside the chain for the demo (issue #16): this month's neighbourhood
goals, the shops' offers and the resident survey, set through the services the pages use
(``api.engagement``, ``api.liveability``), as Stadsbeheer on /gemeente/klussen and /gemeente, a
shop on /winkel and Heerlen Mijn Stad on /gemeente/winkels would set them.

``seed_beside_chain`` runs once the indexer has read the whole seeded chain (an offer names a shop
the index must know). To seed more of the API's data for the demo (a survey, residents'
reports), add a function of the same shape and call it from ``seed_beside_chain``.
"""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy.engine import Engine

from api.database import migrate
from api.engagement.offers import OfferIn, OfferService
from api.engagement.service import EngagementService
from api.liveability.service import LiveabilityService
from api.settings import ApiSettings
from api.system.service import indexer_progress
from demo import heerlen
from demo.seed import MERCHANT_MANAGER, TASK_MANAGER, Seeded
from indexer.db import make_engine
from wesh import neighbourhoods, statistics
from wesh.rules import AMSTERDAM


def wait_for_index(engine: Engine, head: int, timeout: float = 120) -> bool:
    """Whether the indexer reaches block ``head`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            progress = indexer_progress(engine)
        except Exception:  # its tables are not there yet
            progress = None
        if progress is not None and progress.indexed_block >= head:
            return True
        time.sleep(0.2)
    return False


def set_goals(engine: Engine, seeded: Seeded, now: int) -> list[str]:
    """This month's goals (``heerlen.GOALS``), set by Stadsbeheer's task manager."""
    service = EngagementService(engine)
    month = statistics.month_of(now)
    manager = seeded.accounts[TASK_MANAGER]
    for name, target in heerlen.GOALS.items():
        service.set_goal(neighbourhoods.lookup(name).code, month, target, manager)
    return [f"{g.neighbourhood_name} {g.done}/{g.target}" for g in service.goals(month).goals]


def set_offers(engine: Engine, seeded: Seeded) -> list[str]:
    """The shops' offers (``heerlen.OFFERS``): the bakery writes its own, Heerlen Mijn Stad the
    others'."""
    service = OfferService(engine)
    names = {shop.account: shop.name for shop in heerlen.SHOPS}
    written = []
    for account, (text_nl, text_en) in heerlen.OFFERS.items():
        wallet = seeded.accounts[account]
        by = wallet if account == heerlen.SHOPS[0].account else seeded.accounts[MERCHANT_MANAGER]
        shop = service.shop_of(wallet)
        service.set_offer(shop, OfferIn(text_nl=text_nl, text_en=text_en), by)
        written.append(f"{names[account]}: {text_nl}")
    return written


#: The resident survey for the demo (made-up ratings, 1-10, and respondents), by neighbourhood:
#: the year before the history began ("before") and the half year the demo runs in ("after").
#: Welten's second survey has too few respondents to be shown (and the card says so).
SURVEY: dict[str, tuple[tuple[str, int], tuple[str, int]]] = {
    "Schandelen": (("6,4", 212), ("6,9", 187)),
    "Heerlerbaan": (("6,1", 160), ("6,3", 141)),
    "Hoensbroek": (("5,9", 240), ("6,2", 198)),
    "Welten": (("7,4", 64), ("7,5", 8)),
}


def survey_csv(now: int) -> str:
    """The survey file as the city's spreadsheet saves it (semicolons, decimal commas)."""
    today = datetime.fromtimestamp(now, AMSTERDAM)
    index = today.year * 12 + today.month - 1 - 3  # the history's first month
    before = str(index // 12 - 1)
    after = f"{today.year}-H{1 if today.month <= 6 else 2}"
    lines = ["wijk;periode;cijfer;respondenten"]
    for name, ((rating0, n0), (rating1, n1)) in SURVEY.items():
        lines += [f"{name};{before};{rating0};{n0}", f"{name};{after};{rating1};{n1}"]
    return "\n".join(lines) + "\n"


def import_survey(engine: Engine, seeded: Seeded, now: int) -> list[str]:
    """The resident survey, imported by Stadsbeheer's task manager as on /gemeente (and written
    to the examples folder, to try the upload with)."""
    text = survey_csv(now)
    (seeded.examples / "leefbaarheid.csv").write_text(text, encoding="utf-8")
    service = LiveabilityService(
        engine, ApiSettings.model_fields["statistics_min_residents"].default
    )
    service.import_csv("leefbaarheid.csv", text, seeded.accounts[TASK_MANAGER])
    return [
        f"{h.neighbourhood_name} {h.before.rating}"
        + (f" -> {h.after.rating} ({h.tasks_between} tasks between)" if h.after else "")
        for h in service.published().neighbourhoods
        if h.before is not None
    ]


def seed_beside_chain(
    database_url: str, seeded: Seeded, now: int, head: int | None = None
) -> list[str]:
    """Goals always; offers once the indexer has read the chain up to block ``head`` (None: no
    indexer runs). Returns what was set, in lines for the demo's output."""
    engine = make_engine(database_url)
    try:
        migrate(engine)
        indexed = head is not None and wait_for_index(engine, head)
        lines = [f"neighbourhood goals this month: {', '.join(set_goals(engine, seeded, now))}"]
        lines.append(f"resident survey: {'; '.join(import_survey(engine, seeded, now))}")
        if indexed:
            lines.append(f"shops' offers: {'; '.join(set_offers(engine, seeded))}")
        else:
            lines.append("shops' offers: not set (the indexer did not read the chain)")
        return lines
    finally:
        engine.dispose()
