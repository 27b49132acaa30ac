"""The shop's books' messages and the refund's description, added to the API's tables of texts
(api.i18n.MESSAGES, api.prepared.DESCRIPTIONS) when this domain loads: Dutch first."""

from __future__ import annotations

from api.i18n import MESSAGES
from api.prepared import DESCRIPTIONS

MESSAGES.update(
    {
        "shop_unknown": (
            "Dit account is (nog) geen winkel. Meld je winkel aan bij Heerlen Mijn Stad.",
            "This account is not a shop (yet). Register your shop with Heerlen Mijn Stad.",
        ),
        "book_payment_unknown": (
            "Deze betaling staat niet bij je winkel. Kies een betaling uit de lijst van vandaag.",
            "This payment is not one of your shop's. Pick a payment from today's list.",
        ),
        "refund_not_a_resident": (
            "Deze betaling kwam niet van een inwoner: terugbetalen kan alleen aan een inwoner.",
            "This payment did not come from a resident: refunds go to residents only.",
        ),
        "refund_nothing_left": (
            "Voor deze betaling kun je niets meer terugbetalen: {why}",
            "Nothing more can be refunded for this payment: {why_en}",
        ),
        "refund_above_limit": (
            "Je kunt voor deze betaling hoogstens {max} terugbetalen. Vul een lager bedrag in.",
            "You can refund at most {max_en} for this payment. Enter a lower amount.",
        ),
        "book_period": (
            "Kies een periode van hoogstens {days} dagen, met de begindatum voor de einddatum.",
            "Pick a period of at most {days} days, with the start before the end.",
        ),
    }
)

DESCRIPTIONS["refund"] = (
    "{amount} terugbetalen aan de inwoner van betaling {code}.",
    "Refund {amount} to the resident of payment {code}.",
)

#: Why nothing is left to refund, for ``refund_nothing_left`` (Dutch, English).
ALL_BACK = (
    "het hele bedrag is al terugbetaald.",
    "all of it has been refunded already.",
)
WINDOW_CLOSED = (
    "de inwoner heeft daarna bij een andere winkel betaald, of kreeg al terug wat die hier "
    "betaalde. Een terugbetaling kan alleen tot de inwoner ergens anders betaalt.",
    "the resident has paid another shop since, or already had back what they paid here. A "
    "refund is possible only until the resident pays elsewhere.",
)
