"""Why the relayer refuses a request or why one did not go through, in words: Dutch first,
English second, each with a next step.

One table for both places a person reads them: the API's problems when ``POST /relay/requests``
refuses (``api/i18n.py`` takes these texts under ``relay_<code>``), and the ``reason`` of a
request the sender could not carry out (kept in the journal as words, ``Reason``). What the
contract itself refuses is said by ``wesh/refusals.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wesh import refusals

#: code -> (Dutch, English); ``{name}`` fields are filled from the refusal's parameters.
TEXTS: dict[str, tuple[str, str]] = {
    "disabled": (
        "De gemeente verstuurt nu geen acties voor je. Verstuur deze zelf met je eigen wallet.",
        "The city is not sending actions for you right now. Send this one yourself with your "
        "own wallet.",
    ),
    "replayed": (
        "Dit verzoek is al gebruikt, of er wacht al een ander verzoek met hetzelfde volgnummer. "
        "Vraag een nieuw verzoek aan en onderteken opnieuw.",
        "This request was already used, or another request with the same sequence number is "
        "waiting. Ask for a new request and sign again.",
    ),
    "nonce_gap": (
        "Er ontbreekt een eerder verzoek van jou (volgnummer {expected}). Vraag een nieuw "
        "verzoek aan en onderteken opnieuw.",
        "An earlier request of yours is missing (sequence number {expected}). Ask for a new "
        "request and sign again.",
    ),
    "expired": (
        "Dit verzoek is verlopen. Vraag een nieuw verzoek aan en onderteken opnieuw.",
        "This request has expired. Ask for a new request and sign again.",
    ),
    "wrong_chain": (
        "Dit verzoek is voor een ander netwerk (chain {chain_id}; de gemeente gebruikt "
        "{expected}). Kies het juiste netwerk in je wallet en onderteken opnieuw.",
        "This request is for another network (chain {chain_id}; the city uses {expected}). "
        "Switch your wallet to the right network and sign again.",
    ),
    "wrong_forwarder": (
        "Dit verzoek is voor een ander contract ({forwarder}) dan dat van de gemeente "
        "({expected}). Vraag een nieuw verzoek aan bij deze website en onderteken opnieuw.",
        "This request names another contract ({forwarder}) than the city's ({expected}). Ask "
        "this website for a new request and sign again.",
    ),
    "bad_signature": (
        "De handtekening hoort niet bij het adres in het verzoek. Onderteken met de wallet die "
        "je noemt, zonder iets aan het verzoek te veranderen.",
        "The signature does not belong to the address in the request. Sign with the wallet you "
        "named, without changing anything in the request.",
    ),
    "unknown_signer": (
        "Dit adres is niet bekend als inwoner, winkel of medewerker van de gemeente. Meld je bij "
        "de gemeente; is dat net gebeurd, probeer het dan over een minuut opnieuw.",
        "This address is not known as a citizen, shop or city employee. Please contact the "
        "municipality; if you just registered, try again in a minute.",
    ),
    "not_allowed": (
        "De gemeente betaalt de kosten van deze actie ({function}) niet. Verstuur hem zelf met "
        "je eigen wallet.",
        "The city does not pay the fee of this action ({function}). Send it yourself with your "
        "own wallet.",
    ),
    "quota_spent": (
        "Je hebt vandaag al {quota} acties laten versturen, het maximum per dag. Morgen kan het "
        "weer.",
        "You have had {quota} actions sent today, the most per day. You can again tomorrow.",
    ),
    "budget_spent": (
        "De gemeente verstuurt vandaag geen acties meer (haar dagbudget daarvoor is op). Probeer "
        "het morgen opnieuw, of verstuur het zelf met je eigen wallet.",
        "The city's budget for network fees is spent for today. Try again tomorrow, or send it "
        "yourself with your own wallet.",
    ),
    "simulation_failed": ("{reason_nl}", "{reason_en}"),
    "sender_down": (
        "De gemeente kan je actie nu niet versturen (haar verzender staat stil). Probeer het "
        "later opnieuw, of verstuur het zelf met je eigen wallet.",
        "The city cannot send your action right now (its sender is down). Try again later, or "
        "send it yourself with your own wallet.",
    ),
    "out_of_funds": (
        "De gemeente kan de kosten nu niet betalen (haar tegoed daarvoor is op). Probeer "
        "het later opnieuw, of verstuur het zelf met je eigen wallet.",
        "The city cannot pay the fee right now (its funds for it are spent). Try again "
        "later, or send it yourself with your own wallet.",
    ),
    # ------------------------------------------------- after acceptance (the sender's words)
    "earlier_failed": (
        "Een eerder verzoek van jou is niet uitgevoerd, daardoor kan dit verzoek niet meer. "
        "Probeer het opnieuw.",
        "An earlier request of yours was not carried out, so this one cannot be any more. "
        "Please try again.",
    ),
    "not_sent": (
        "Dit verzoek kon na {attempts} pogingen niet worden verstuurd. Probeer het opnieuw.",
        "This request could not be sent after {attempts} attempts. Please try again.",
    ),
    "call_failed": ("{reason_nl}", "{reason_en}"),
}


@dataclass(frozen=True)
class Reason:
    """Why one request did not go through, in words; ``code`` names it for machines."""

    code: str
    nl: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"nl": self.nl, "en": self.en}


def text(code: str, **params: Any) -> tuple[str, str]:
    """The Dutch and English sentence of ``code`` with its parameters filled in."""
    nl, en = TEXTS[code]
    try:
        return nl.format(**params), en.format(**params)
    except (KeyError, IndexError):
        return nl, en


def reason(code: str, **params: Any) -> Reason:
    nl, en = text(code, **params)
    return Reason(code, nl, en)


def contract_words(revert: str) -> tuple[str, str]:
    """A contract's revert string in words (wesh/refusals.py), or the raw string in a sentence."""
    found = refusals.find(revert)
    if found is not None:
        return found.nl, found.en
    return (
        f"Dit werd geweigerd ({revert}).",
        f"This was refused ({revert}).",
    )


def call_failed(revert: str) -> Reason:
    """A request whose call the contract refused (``revert``: its revert string)."""
    nl, en = contract_words(revert)
    return Reason("call_failed", nl, en)


def skipped(why: int) -> Reason:
    """A request ``execute_batch`` skipped: 1 past its deadline, 2 its signature or nonce."""
    if why == 1:
        return reason("expired")
    return reason("replayed")
