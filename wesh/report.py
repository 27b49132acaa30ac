"""The city's books: budget, escrow, liability, and what each citizen earned in a year.

``ledger_lines`` turns the contracts' money totals into the lines a treasurer reads; ``earnings``
builds the annual statement per citizen that the tax and benefit offices ask for (the volunteer
allowance is per calendar year, Europe/Amsterdam, the same year the contract's cap counts in).
Citizens are identified by their citizen id and wallet only: the city joins them to names in its
own register, never here.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from wesh.contract import LedgerView
from wesh.history import Payout
from wesh.money import plain_euros
from wesh.neighbourhoods import name_of


@dataclass(frozen=True)
class LedgerLine:
    key: str
    label: str
    cents: int


def ledger_lines(ledger: LedgerView, requested: int, paid: int) -> list[LedgerLine]:
    """The money totals, in the order a treasurer reads them (all in cents).

    Checks that hold on every deployment: granted = available + locked + minted (the budget
    either waits, sits in escrow or was paid out), and outstanding = minted - burned.
    """
    return [
        LedgerLine("budget_granted", "Budget granted / Budget toegekend", ledger.budget_granted),
        LedgerLine("budget_available", "Budget available / Budget beschikbaar",
                   ledger.budget_available),
        LedgerLine("escrow_locked", "Committed in escrow / Vastgelegd voor klussen",
                   ledger.escrow_locked),
        LedgerLine("total_minted", "Paid out to citizens / Uitbetaald aan inwoners",
                   ledger.total_minted),
        LedgerLine("total_burned", "Cashed in by merchants / Ingewisseld door ondernemers",
                   ledger.total_burned),
        LedgerLine("outstanding", "Heitjes outstanding (euro liability) / Heitjes in omloop",
                   ledger.total_supply),
        LedgerLine("redemption_requested", "Cash-outs requested / Inwisselingen aangevraagd",
                   requested),
        LedgerLine("redemption_paid", "Cash-outs paid / Inwisselingen betaald", paid),
        LedgerLine("redemption_owed", "Cash-outs still to pay / Nog te betalen aan ondernemers",
                   requested - paid),
    ]  # fmt: skip


@dataclass(frozen=True)
class Earning:
    citizen_id: int
    wallet: str
    neighbourhood: int
    tasks: int
    earned: int  # cents

    @property
    def neighbourhood_name(self) -> str:
        return name_of(self.neighbourhood)


def earnings(
    payouts: list[Payout],
    year: int,
    wallets: Mapping[int, str],
    neighbourhoods: Mapping[int, int],
) -> list[Earning]:
    """What each citizen earned in ``year``, highest first (ties by citizen id)."""
    totals: dict[int, int] = defaultdict(int)
    counts: dict[int, int] = defaultdict(int)
    for payout in payouts:
        if payout.year == year:
            totals[payout.citizen_id] += payout.amount
            counts[payout.citizen_id] += 1
    rows = [
        Earning(cid, wallets.get(cid, ""), neighbourhoods.get(cid, 0), counts[cid], total)
        for cid, total in totals.items()
    ]
    return sorted(rows, key=lambda e: (-e.earned, e.citizen_id))


def earnings_csv(rows: list[Earning], year: int) -> str:
    """The annual statement as CSV (one row per citizen; amounts in euros with a dot)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "citizen_id", "wallet", "neighbourhood", "tasks", "earned_eur"])
    for row in rows:
        writer.writerow(
            [year, row.citizen_id, row.wallet, row.neighbourhood_name, row.tasks,
             plain_euros(row.earned)]
        )  # fmt: skip
    return out.getvalue()


def ledger_csv(lines: list[LedgerLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["item", "eur"])
    for line in lines:
        writer.writerow([line.key, plain_euros(line.cents)])
    return out.getvalue()
