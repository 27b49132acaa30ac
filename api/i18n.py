"""Texts people read, Dutch first and English second.

``language_of`` picks the language from ``Accept-Language`` (Dutch unless English is preferred);
``text`` fills a message; ``reason_message`` turns a contract's short revert string
("cap: yearly limit reached") into a sentence with a next step.
"""

from __future__ import annotations

from typing import Any, Literal

Lang = Literal["nl", "en"]

MESSAGES: dict[str, tuple[str, str]] = {
    # problem titles
    "title_400": ("Ongeldig verzoek", "Bad request"),
    "title_401": ("Niet aangemeld", "Not signed in"),
    "title_403": ("Geen toegang", "Forbidden"),
    "title_404": ("Niet gevonden", "Not found"),
    "title_405": ("Methode niet toegestaan", "Method not allowed"),
    "title_409": ("Conflict", "Conflict"),
    "title_413": ("Bestand te groot", "Payload too large"),
    "title_415": ("Bestandstype niet ondersteund", "Unsupported media type"),
    "title_422": ("Kan niet worden verwerkt", "Unprocessable"),
    "title_429": ("Te veel verzoeken", "Too many requests"),
    "title_500": ("Interne fout", "Internal error"),
    "title_503": ("Tijdelijk niet beschikbaar", "Temporarily unavailable"),
    # generic
    "bad_request": ("Dit verzoek klopt niet.", "This request is not valid."),
    "invalid_input": (
        "Controleer deze velden: {fields}.",
        "Please check these fields: {fields}.",
    ),
    "not_found": ("Dit bestaat niet (meer).", "This does not exist (any more)."),
    "method_not_allowed": ("Deze actie kan hier niet.", "This action is not allowed here."),
    "conflict": ("Dit is al gebeurd.", "This has already happened."),
    "internal": (
        "Er ging iets mis aan onze kant. Probeer het over een minuut opnieuw.",
        "Something went wrong on our side. Please try again in a minute.",
    ),
    "unavailable": (
        "De dienst is even niet bereikbaar. Probeer het straks opnieuw.",
        "The service is unavailable right now. Please try again shortly.",
    ),
    "rate_limited": (
        "Even rustig aan: probeer het over {retry_after} seconden opnieuw.",
        "Slow down: please try again in {retry_after} seconds.",
    ),
    # sign-in
    "sign_in_required": (
        "Meld je eerst aan met je wallet.",
        "Please sign in with your wallet first.",
    ),
    "forbidden": (
        "Dit mag alleen iemand met de rol {role}.",
        "Only someone with the {role} role may do this.",
    ),
    "siwe_malformed": (
        "Het aanmeldbericht is ongeldig. Vraag een nieuw bericht aan en onderteken opnieuw.",
        "The sign-in message is malformed. Request a new message and sign again.",
    ),
    "siwe_nonce": (
        "Deze aanmelding is al gebruikt of verlopen. Vraag een nieuwe aan.",
        "This sign-in was already used or has expired. Please request a new one.",
    ),
    "siwe_domain": (
        "Dit aanmeldbericht is voor een andere website. Onderteken alleen berichten voor {domain}.",
        "This sign-in message is for another website. Only sign messages for {domain}.",
    ),
    "siwe_uri": (
        "Het aanmeldbericht noemt een ander adres dan {uri}. Vraag een nieuw bericht aan.",
        "The sign-in message names another address than {uri}. Request a new message.",
    ),
    "siwe_chain": (
        "Je wallet staat op het verkeerde netwerk. Kies netwerk {chain_id} en probeer opnieuw.",
        "Your wallet is on the wrong network. Switch to network {chain_id} and try again.",
    ),
    "siwe_expired": (
        "Het aanmeldbericht is verlopen. Vraag een nieuw bericht aan.",
        "The sign-in message has expired. Request a new message.",
    ),
    "siwe_signature": (
        "De handtekening hoort niet bij dit adres. Onderteken met de wallet die je noemt.",
        "The signature does not belong to this address. Sign with the wallet you named.",
    ),
    # uploads
    "too_large": (
        "Dit bestand is te groot (maximaal {limit_mb} MB). Maak een kleinere foto.",
        "This file is too large (at most {limit_mb} MB). Please take a smaller photo.",
    ),
    "unsupported_media": (
        "Dit is geen foto die we kunnen lezen. Gebruik JPEG, PNG, WebP of HEIC.",
        "This is not a photo we can read. Please use JPEG, PNG, WebP or HEIC.",
    ),
    "image_too_many_pixels": (
        "Deze foto heeft te veel pixels. Maak een kleinere foto.",
        "This photo has too many pixels. Please take a smaller photo.",
    ),
    "image_broken": (
        "Deze foto is beschadigd of onvolledig. Maak de foto opnieuw.",
        "This photo is damaged or incomplete. Please take it again.",
    ),
    # domain
    "not_a_citizen": (
        "Dit adres is niet geregistreerd als inwoner. Meld je bij de gemeente.",
        "This address is not registered as a citizen. Please contact the municipality.",
    ),
    "not_a_merchant": (
        "Dit adres is niet geregistreerd als winkel. Meld je bij Heerlen Mijn Stad.",
        "This address is not registered as a shop. Please contact Heerlen Mijn Stad.",
    ),
    "payment_request_unknown": (
        "Dit betaalverzoek bestaat niet of is verlopen. Vraag de winkel om een nieuwe QR-code.",
        "This payment request does not exist or has expired. Ask the shop for a new QR code.",
    ),
    "payment_request_paid": (
        "Dit betaalverzoek is al betaald.",
        "This payment request has already been paid.",
    ),
    "contract_refused": ("{reason}", "{reason}"),
}

# The contracts' revert strings, in words, with what to do next.
REASONS: dict[str, tuple[str, str]] = {
    "heitje: amount exceeds your balance": (
        "Je saldo is te laag voor dit bedrag.",
        "Your balance is too low for this amount.",
    ),
    "heitje: amount is zero": (
        "Kies een bedrag hoger dan nul.",
        "Please choose an amount above zero.",
    ),
    "heitje: refund exceeds what they paid here": (
        "Je kunt een inwoner alleen terugbetalen wat die hier met een betaalverzoek betaalde en nog"
        " niet terugkreeg, en alleen tot die inwoner bij een andere winkel betaalt.",
        "You can only refund a resident what they paid here with a payment request and have not"
        " had back, and only until they pay at another shop.",
    ),
    "heitje: amount exceeds allowance": (
        "Dit bedrag is hoger dan je hebt toegestaan.",
        "This amount is more than you allowed.",
    ),
    "heitje: citizens cannot send Heitjes to each other; pay a shop instead": (
        "Heitjes kun je niet naar een andere inwoner sturen; betaal ermee bij een winkel.",
        "You cannot send Heitjes to another citizen; spend them at a shop instead.",
    ),
    "heitje: this shop no longer accepts Heitjes": (
        "Deze winkel doet niet meer mee. Kies een andere winkel.",
        "This shop no longer takes part. Please choose another shop.",
    ),
    "heitje: Heitjes can only be paid to registered shops": (
        "Heitjes kun je alleen bij deelnemende winkels uitgeven.",
        "Heitjes can only be spent at participating shops.",
    ),
    "heitje: merchants can only refund citizens": (
        "Een winkel kan alleen geld teruggeven aan een inwoner.",
        "A shop can only refund a citizen.",
    ),
    "heitje: only registered citizens and merchants hold Heitjes": (
        "Dit adres doet niet mee aan WESH. Meld je bij de gemeente.",
        "This address does not take part in WESH. Please contact the municipality.",
    ),
    "heitje: paused": (
        "WESH is even gepauzeerd door de gemeente. Probeer het later opnieuw.",
        "WESH has been paused by the municipality. Please try again later.",
    ),
    "heitje: already in that state": ("Dat is al zo ingesteld.", "That is already the case."),
    "tasks: not an active citizen": (
        "Je kunt geen klussen aannemen: je bent (nog) niet actief als inwoner. Neem contact op"
        " met de gemeente.",
        "You cannot take on tasks: you are not (yet) an active citizen. Please contact the"
        " municipality.",
    ),
    "tasks: not a citizen": (
        "Dit adres is niet geregistreerd als inwoner.",
        "This address is not registered as a citizen.",
    ),
    "tasks: task not open": (
        "Deze klus is niet meer beschikbaar. Kies een andere klus.",
        "This task is no longer available. Please choose another one.",
    ),
    "tasks: deadline passed": (
        "De aanmeldtermijn voor deze klus is voorbij. Kies een andere klus.",
        "The deadline to take on this task has passed. Please choose another one.",
    ),
    "tasks: all slots taken": (
        "Alle plekken voor deze klus zijn bezet. Kijk later nog eens of kies een andere klus.",
        "All places for this task are taken. Check again later or choose another one.",
    ),
    "tasks: already claimed": (
        "Je hebt deze klus al aangenomen.",
        "You have already taken on this task.",
    ),
    "tasks: no open claim": (
        "Je hebt voor deze klus niets openstaan.",
        "You have nothing open for this task.",
    ),
    "tasks: no such task": (
        "Deze klus bestaat niet. Kies een klus uit de lijst.",
        "This task does not exist. Please pick a task from the list.",
    ),
    "tasks: rejected for the last time": (
        "Dit werk is drie keer afgewezen; opnieuw inleveren kan niet meer. Je kunt binnen 7 dagen"
        " bezwaar maken bij een andere beoordelaar.",
        "This work was rejected three times and cannot be handed in again. You can appeal to"
        " another reviewer within 7 days.",
    ),
    "tasks: claim expired": (
        "De tijd voor deze klus is verlopen. Neem een nieuwe klus aan.",
        "The time for this task has run out. Please take on a new task.",
    ),
    "tasks: claim still valid": (
        "Deze klus loopt nog; hij kan pas na de einddatum vervallen.",
        "This claim is still valid; it can only expire after its end date.",
    ),
    "tasks: empty evidence CID": (
        "Voeg eerst je foto's toe.",
        "Please add your photos first.",
    ),
    "tasks: terms out of range": (
        "Controleer de beloning, het aantal plekken, de looptijd en de wijk van de klus.",
        "Please check the task's reward, number of places, duration and neighbourhood.",
    ),
    "tasks: deadline not in future": (
        "De aanmelddatum moet in de toekomst liggen.",
        "The claim deadline must be in the future.",
    ),
    "tasks: deadline not passed": (
        "Deze klus kan pas na de aanmelddatum worden afgesloten.",
        "This task can only be closed after its claim deadline.",
    ),
    "cap: yearly limit reached": (
        "Je jaarlimiet is bereikt: met deze klus zou je boven het maximum voor dit jaar komen.",
        "You have reached your yearly limit: this task would take you over this year's maximum.",
    ),
    "cap: monthly limit reached": (
        "Je maandlimiet is bereikt. Volgende maand kun je weer klussen aannemen.",
        "You have reached your monthly limit. You can take on tasks again next month.",
    ),
    "cap: too many open claims": (
        "Je hebt al het maximum aantal klussen open. Rond er eerst een af.",
        "You already have the maximum number of open tasks. Finish one first.",
    ),
    "cap: caps out of range": ("Deze limieten kunnen niet.", "These limits are out of range."),
    "cap: only for next year": (
        "Een nieuwe limiet geldt vanaf 1 januari van volgend jaar, niet eerder en niet later.",
        "A new limit applies from 1 January of next year, no sooner and no later.",
    ),
    "cap: pause before lowering caps": (
        "Een lagere limiet kan alleen als WESH eerst is gepauzeerd (in een eerdere transactie),"
        " zodat de openstaande reserveringen gecontroleerd kunnen worden. Pauzeer, controleer, en"
        " stel dan de limiet in.",
        "A lower limit needs WESH paused first (in an earlier transaction), so that the open"
        " reservations can be checked. Pause, check, then set the limit.",
    ),
    "cap: open-claims limit range": (
        "Dit maximum aantal open klussen kan niet.",
        "This open-task limit is out of range.",
    ),
    "review: nothing submitted": (
        "Er is (nog) niets ingeleverd om te beoordelen.",
        "Nothing has been submitted for review (yet).",
    ),
    "review: own work": (
        "Je kunt je eigen werk niet beoordelen.",
        "You cannot review your own work.",
    ),
    "review: reason out of range": (
        "Kies een reden voor de afwijzing.",
        "Please choose a reason for the rejection.",
    ),
    "review: not a citizen": (
        "Dit adres is niet geregistreerd als inwoner.",
        "This address is not registered as a citizen.",
    ),
    "review: lengths differ": (
        "Elke klus in de lijst heeft precies één inwoner nodig.",
        "Each task in the list needs exactly one citizen.",
    ),
    "appeal: nothing to appeal": (
        "Er is geen afwijzing om bezwaar tegen te maken, of je hebt al bezwaar gemaakt.",
        "There is no rejection to appeal, or you already appealed.",
    ),
    "appeal: no appeal waiting": (
        "Er ligt geen bezwaar te wachten.",
        "There is no appeal waiting.",
    ),
    "appeal: needs another reviewer": (
        "Een bezwaar moet worden beoordeeld door een andere beoordelaar dan wie afwees.",
        "An appeal must be decided by a reviewer other than the one who rejected.",
    ),
    "budget: not enough budget": (
        "Het budget is niet genoeg voor deze klus. Vraag de treasurer om budget.",
        "The budget is not enough for this task. Ask the treasurer for budget.",
    ),
    "budget: amount out of range": ("Dit bedrag kan niet.", "This amount is out of range."),
    "budget: more than uncommitted": (
        "Er is niet zoveel vrij budget.",
        "There is not that much uncommitted budget.",
    ),
    "redeem: amount is zero": ("Kies een bedrag.", "Please choose an amount."),
    "redeem: amount exceeds balance": (
        "Je kunt niet meer inwisselen dan je saldo.",
        "You cannot cash in more than your balance.",
    ),
    "redeem: not a merchant": (
        "Alleen deelnemende winkels kunnen inwisselen.",
        "Only participating shops can cash in.",
    ),
    "redeem: request is not open": (
        "Deze uitbetaling staat niet (meer) open.",
        "This cash-out is not open (any more).",
    ),
    "redeem: empty payment reference": (
        "Vul het betalingskenmerk in.",
        "Please fill in the payment reference.",
    ),
    "redeem: only the Redemption contract": (
        "Inwisselen gaat via het inwisselcontract.",
        "Cashing in goes through the Redemption contract.",
    ),
    "redeem: not this Heitje's contract": (
        "Dat adres is geen inwisselcontract van deze Heitje.",
        "That address is not a Redemption contract of this Heitje.",
    ),
    "redeem: contract already set": (
        "Het inwisselcontract is al ingesteld.",
        "The Redemption contract is already set.",
    ),
    "registry: already registered": (
        "Dit adres is al geregistreerd.",
        "This address is already registered.",
    ),
    "registry: invalid citizen": (
        "Controleer het adres en de wijk van de inwoner.",
        "Please check the citizen's address and neighbourhood.",
    ),
    "registry: invalid merchant": (
        "Controleer het adres en de gegevens van de winkel.",
        "Please check the shop's address and details.",
    ),
    "registry: new wallet in use": (
        "Die nieuwe wallet is al in gebruik. Maak een nieuwe wallet aan.",
        "That new wallet is already in use. Please create a new wallet.",
    ),
    "registry: not registered": (
        "Dit adres is niet geregistreerd.",
        "This address is not registered.",
    ),
    "registry: not a citizen": ("Dit adres is geen inwoner.", "This address is not a citizen."),
    "registry: not a merchant": ("Dit adres is geen winkel.", "This address is not a shop."),
    "registry: already in that state": ("Dat is al zo ingesteld.", "That is already the case."),
    "registry: lengths differ": (
        "Elke inwoner in de lijst heeft precies één wijk nodig.",
        "Each citizen in the list needs exactly one neighbourhood.",
    ),
    "registry: unknown neighbourhood": ("Onbekende wijk.", "Unknown neighbourhood."),
    "registry: empty metadata CID": (
        "De gegevens van de winkel ontbreken.",
        "The shop's details are missing.",
    ),
    "registry: too many citizens": (
        "Het maximum aantal inwoners is bereikt.",
        "Too many citizens.",
    ),
    "registry: too many merchants": ("Het maximum aantal winkels is bereikt.", "Too many shops."),
    "access: unknown role": ("Onbekende rol.", "Unknown role."),
    "access: account is the zero address": ("Ongeldig adres.", "Invalid address."),
    "access: admin is the zero address": ("Ongeldig adres.", "Invalid address."),
    "access: the last admin cannot be removed": (
        "De laatste beheerder kan niet worden verwijderd. Voeg eerst een andere beheerder toe.",
        "The last admin cannot be removed. Add another admin first.",
    ),
}

ROLE_NAMES: dict[str, tuple[str, str]] = {
    "admin": ("beheerder", "admin"),
    "registrar": ("registrator", "registrar"),
    "merchant manager": ("winkelbeheerder", "merchant manager"),
    "task manager": ("klusbeheerder", "task manager"),
    "reviewer": ("beoordelaar", "reviewer"),
    "treasurer": ("treasurer", "treasurer"),
    "citizen": ("inwoner", "citizen"),
    "merchant": ("winkel", "merchant"),
}


def language_of(accept_language: str | None) -> Lang:
    """Dutch unless the client prefers English (RFC 9110 quality values respected)."""
    if not accept_language:
        return "nl"
    best: tuple[float, Lang] = (-1.0, "nl")
    for position, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for piece in pieces[1:]:
            name, _, value = piece.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang: Lang | None = "nl" if tag.startswith("nl") else "en" if tag.startswith("en") else None
        # Earlier entries win ties, as clients list them in order of preference.
        score = quality - position * 1e-6
        if lang and score > best[0]:
            best = (score, lang)
    return best[1]


def text(key: str, lang: Lang, **params: Any) -> str:
    nl, en = MESSAGES.get(key, MESSAGES["bad_request"])
    template = nl if lang == "nl" else en
    if "role" in params:
        names = ROLE_NAMES.get(str(params["role"]))
        if names:
            params = {**params, "role": names[0] if lang == "nl" else names[1]}
    if "fields" in params and isinstance(params["fields"], list):
        params = {**params, "fields": ", ".join(params["fields"])}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def reason_message(reason: str, lang: Lang) -> str:
    """A contract revert string in words; the raw reason where the table has none."""
    if reason.startswith("access: only a"):
        role = reason.removeprefix("access: only an ").removeprefix("access: only a ")
        role = role.removesuffix(" may do this")
        return text("forbidden", lang, role=role)
    nl_en = REASONS.get(reason)
    if nl_en is None:
        fallback = "De blockchain weigerde dit" if lang == "nl" else "The blockchain refused this"
        return f"{fallback} ({reason})."
    return nl_en[0] if lang == "nl" else nl_en[1]
