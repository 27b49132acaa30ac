"""What the city keeps beside the chain for the demo (issue #16): this month's neighbourhood
goals and the shops' offers, set through the services the pages use (``api.engagement``), as
Stadsbeheer on /gemeente/klussen, a shop on /winkel and Heerlen Mijn Stad on /gemeente/winkels
would set them.

``seed_beside_chain`` runs once the indexer has read the whole seeded chain (an offer names a shop
the index must know). To seed more of the API's data for the demo (a survey, residents'
reports), add a function of the same shape and call it from ``seed_beside_chain``.
"""

from __future__ import annotations

import time

from sqlalchemy.engine import Engine

from api.database import migrate
from api.engagement.offers import OfferIn, OfferService
from api.engagement.service import EngagementService
from api.system.service import indexer_progress
from demo import heerlen
from demo.seed import MERCHANT_MANAGER, TASK_MANAGER, Seeded
from indexer.db import make_engine
from wesh import neighbourhoods, statistics


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
        if indexed:
            lines.append(f"shops' offers: {'; '.join(set_offers(engine, seeded))}")
        else:
            lines.append("shops' offers: not set (the indexer did not read the chain)")
        return lines
    finally:
        engine.dispose()
