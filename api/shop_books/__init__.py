"""A shop's books (issue #15): the day overview, refunds within the contract's refund window, the
CSV of payments for the shop's accountant, the cash-out history with the bank's reference, and
"who's involved" (how many residents paid, by neighbourhood, small counts hidden)."""
