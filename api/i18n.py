"""Texts people read, Dutch first and English second.

``language_of`` picks the language from ``Accept-Language`` (Dutch unless English is preferred);
``text`` fills a message; ``reason_message`` turns a contract's short revert string
("cap: yearly limit reached") into a sentence with a next step (wesh/refusals.py).
"""

from __future__ import annotations

from typing import Any, Literal

from relayer import reasons as relay_reasons
from wesh import refusals

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
    "invalid_json": (
        "De gegevens konden niet gelezen worden: geen geldige JSON. Stuur het opnieuw als JSON.",
        "The data could not be read: not valid JSON. Please send it again as JSON.",
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
        "Meld je eerst aan.",
        "Please sign in first.",
    ),
    "session_expired": (
        "Je sessie is verlopen. Meld je opnieuw aan om verder te gaan.",
        "Your session has ended. Please sign in again to continue.",
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
    # hand-in photos: which of the two ({which}) and what to do (#15 evidence, H3)
    "photo_too_large": (
        "De foto {which} is te groot (meer dan {limit_mb} MB). Kies hem opnieuw of maak een"
        " nieuwe foto met de camera van je telefoon.",
        "The photo {which} is too large (over {limit_mb} MB). Choose it again or take a new"
        " photo with your phone's camera.",
    ),
    "photo_not_a_photo": (
        "De foto {which} is geen foto die we kunnen lezen. Kies een foto (JPEG, PNG, WebP of"
        " HEIC) of maak een nieuwe.",
        "The photo {which} is not a photo we can read. Choose a photo (JPEG, PNG, WebP or HEIC)"
        " or take a new one.",
    ),
    "photo_too_many_pixels": (
        "De foto {which} heeft te veel pixels. Maak een nieuwe foto met de camera van je telefoon.",
        "The photo {which} has too many pixels. Take a new photo with your phone's camera.",
    ),
    "photo_broken": (
        "De foto {which} is beschadigd of onvolledig. Maak de foto opnieuw.",
        "The photo {which} is damaged or incomplete. Please take it again.",
    ),
    "evidence_store_unavailable": (
        "Je foto's konden nu niet worden bewaard. Ze staan nog op je telefoon: probeer het over"
        " een paar minuten opnieuw.",
        "Your photos could not be saved just now. They are still on your phone: please try again"
        " in a few minutes.",
    ),
    # domain
    "not_a_citizen": (
        "Je bent nog niet aangemeld als inwoner. Meld je bij de gemeente.",
        "You are not registered as a resident yet. Please contact the municipality.",
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
    # joining at the desk (api/joining)
    "join_code_unknown": (
        "Deze code is onbekend of verlopen: vraag de inwoner de code opnieuw te tonen.",
        "This code is unknown or has expired: ask the resident to show the code again.",
    ),
    "neighbourhood_unknown": (
        "Wijk {neighbourhood} bestaat niet. Kies een wijk uit de lijst.",
        "Neighbourhood {neighbourhood} does not exist. Choose one from the list.",
    ),
    "already_citizen": (
        "Deze telefoon is al aangemeld als inwoner {citizen_id}: er is niets meer te doen.",
        "This phone is registered already, as resident {citizen_id}: nothing left to do.",
    ),
    "join_code_is_shop": (
        "Deze code hoort bij een winkel, niet bij een inwoner.",
        "This code belongs to a shop, not to a resident.",
    ),
    "join_code_retired": (
        "Deze telefoon is buiten gebruik gezet (de inwoner of winkel is verhuisd naar een "
        "andere). Vraag om de code van de nieuwe telefoon.",
        "This phone has been retired (its resident or shop moved to another). Ask for the code "
        "of the new phone.",
    ),
    "person_registered_before": (
        "Deze persoon is eerder aangemeld: op {date_nl} in {neighbourhood}. Twee aanmeldingen "
        "geven één persoon twee keer het jaarbedrag. Is de oude telefoon kwijt? Kies dan 'Nieuwe "
        "telefoon voor een inwoner'. Anders: kies 'toch aanmelden' als het echt moet.",
        "This person was registered before: on {date_en} in {neighbourhood}. Two registrations "
        "give one person the yearly amount twice. Was the old phone lost? Then choose 'New phone "
        "for a resident'. Otherwise choose 'register anyway' if it really must be.",
    ),
    "neighbourhood_not_granted": (
        "Jullie vereniging mag alleen inwoners aanmelden in {neighbourhoods}, niet in "
        "{neighbourhood}. Stuur deze inwoner naar de balie van de gemeente.",
        "Your association may only register residents in {neighbourhoods}, not in "
        "{neighbourhood}. Send this resident to the city's desk.",
    ),
    "new_phone_in_use": (
        "De nieuwe telefoon is al in gebruik (als inwoner, winkel of eerder verhuisd). Laat de "
        "inwoner op de nieuwe telefoon opnieuw 'Doe mee' kiezen en die code tonen.",
        "The new phone is in use already (as a resident, a shop, or moved before). Have the "
        "resident choose 'Join' on the new phone again and show that code.",
    ),
    "join_retired": (
        "Deze telefoon doet niet meer mee: je Heitjes staan nu op je nieuwe telefoon. Gebruik "
        "die. Vragen? Ga naar de balie van het stadhuis.",
        "This phone no longer takes part: your Heitjes are on your new phone now. Use that one. "
        "Questions? Go to the desk in the town hall.",
    ),
    "citizen_unknown": (
        "Inwoner {citizen} is niet gevonden. Controleer het inwonernummer.",
        "Resident {citizen} was not found. Check the resident number.",
    ),
    # residents' messages and Web Push (api/notifications)
    "push_endpoint_invalid": (
        "Deze browser gaf een pushadres dat we niet kunnen gebruiken. Zet meldingen uit en weer "
        "aan, of gebruik de berichten in de app.",
        "This browser gave a push address we cannot use. Turn notifications off and on again, "
        "or use the messages in the app.",
    ),
    "push_off": (
        "Meldingen op je telefoon staan bij deze gemeente nog niet aan. Je berichten staan wel in "
        "de app.",
        "Phone notifications are not switched on by the city yet. Your messages are in the app.",
    ),
    # Stadsbeheer's tasks (api/tasks, api/taskboard)
    "not_regular_work_unconfirmed": (
        "Bevestig eerst dat deze klus geen regulier betaald werk is: zet het vinkje onder aan "
        "het formulier.",
        "First confirm that this task is not regular paid work: tick the box at the bottom of "
        "the form.",
    ),
    "reference_photo_unknown": (
        "De referentiefoto is niet gevonden. Voeg de foto opnieuw toe en probeer het nog eens.",
        "The reference photo was not found. Add the photo again and try once more.",
    ),
    "task_already_cancelled": (
        "Deze klus is al geannuleerd: er valt niets meer te annuleren.",
        "This task is cancelled already: there is nothing left to cancel.",
    ),
    "task_already_closed": (
        "Deze klus is al afgesloten (alle plekken gedaan of de termijn voorbij): er valt niets "
        "meer te annuleren.",
        "This task is closed already (every place done or its time over): there is nothing left "
        "to cancel.",
    ),
    # the merchant manager's desk (api/shops)
    "iban_invalid": (
        "Het IBAN klopt niet (landcode, lengte of controlecijfers). Neem het over van de bankpas "
        "of een afschrift van de winkel en probeer het opnieuw.",
        "The IBAN is not valid ({reason}). Copy it from the shop's bank card or a statement and "
        "try again.",
    ),
    "bic_invalid": (
        "De BIC klopt niet (8 of 11 tekens, zoals ABNANL2A). Laat het veld leeg als je hem niet "
        "weet: binnen SEPA is hij niet nodig.",
        "The BIC is not valid (8 or 11 characters, like ABNANL2A). Leave it empty if you do not "
        "know it: within SEPA it is not needed.",
    ),
    "shop_exists": (
        "Deze telefoon hoort al bij winkel {merchant_id}. Wil je de bankrekening of de telefoon "
        "van die winkel wijzigen? Kies dat hieronder.",
        "This phone already belongs to shop {merchant_id}. To change that shop's bank account or "
        "phone, choose that below.",
    ),
    "account_is_citizen": (
        "Deze telefoon is aangemeld als inwoner, niet als winkel. Laat de winkel op een eigen "
        "telefoon 'Doe mee' kiezen en die code tonen.",
        "This phone is registered as a resident, not a shop. Have the shop choose 'Join' on a "
        "phone of its own and show that code.",
    ),
    "account_retired": (
        "Deze telefoon is buiten gebruik gezet (verhuisd). Laat de winkel opnieuw 'Doe mee' "
        "kiezen en de nieuwe code tonen.",
        "This phone has been retired (moved). Have the shop choose 'Join' again and show the "
        "new code.",
    ),
    "shop_unknown": (
        "Deze winkel is niet gevonden (of al verhuisd). Kies de winkel uit de lijst.",
        "This shop was not found (or has moved already). Choose the shop from the list.",
    ),
    "shop_same_phone": (
        "Dit is de telefoon die de winkel nu al gebruikt. Vraag de code van de nieuwe telefoon.",
        "This is the phone the shop uses already. Ask for the code of the new phone.",
    ),
    # The resident survey of liveability (api/liveability)
    "liveability_file_invalid": (
        "Er is niets ingelezen: {count} fout(en), op regel {lines}. Verbeter die regels en lees "
        "het hele bestand opnieuw in.",
        "Nothing was imported: {count} problem(s), on line {lines}. Fix those lines and import "
        "the whole file again.",
    ),
    "liveability_busy": (
        "Iemand las tegelijk een bestand met dezelfde wijken en perioden in. Er is niets "
        "ingelezen: lees het bestand opnieuw in.",
        "Someone imported a file with the same neighbourhoods and periods at the same moment. "
        "Nothing was imported: import the file again.",
    ),
    # Residents' reports of a spot that needs care (api/reports, issue #16)
    "report_text_short": (
        "Schrijf in een paar woorden wat er aan de hand is (minstens {min} tekens).",
        "Say in a few words what is wrong (at least {min} characters).",
    ),
    "report_text_long": (
        "Je tekst is te lang. Houd het kort: hooguit {max} tekens.",
        "Your text is too long. Keep it short: at most {max} characters.",
    ),
    "report_pin_far": (
        "De speld staat te ver van {hood}. Zet de speld op de plek, of kies de goede buurt.",
        "The pin is too far from {hood}. Put the pin on the spot, or choose the right"
        " neighbourhood.",
    ),
    "report_limit_day": (
        "Je hebt vandaag al {n} meldingen gedaan. Over {hours} uur kun je weer een melding doen.",
        "You have made {n} reports today already. You can make another in {hours} hours.",
    ),
    "report_limit_open": (
        "Je hebt al {n} meldingen die de gemeente nog moet bekijken. Wacht tot er een is"
        " bekeken en meld dan opnieuw.",
        "You already have {n} reports the city has not looked at yet. Wait until one has been"
        " looked at, then report again.",
    ),
    "report_decided": (
        "Over deze melding is al besloten. Ververs de lijst.",
        "This report has been decided already. Reload the list.",
    ),
    "report_already_task": (
        "Van deze melding is al een klus gemaakt (klus {task_id}).",
        "This report has become a task already (task {task_id}).",
    ),
    # The council's quarterly report (api/report)
    "report_quarter_invalid": (
        "Kies een kwartaal als 2026-Q4 (jaar, streepje, Q en 1 tot 4); '{quarter}' is dat niet.",
        "Choose a quarter such as 2026-Q4 (year, dash, Q and 1 to 4); '{quarter}' is not one.",
    ),
    "report_font_missing": (
        "Het rapport kan niet gemaakt worden: het lettertype ontbreekt. Vraag de beheerder het "
        "pakket {package} te installeren.",
        "The report cannot be made: its font is missing. Ask the administrator to install the "
        "package {package}.",
    ),
    # Financiën: the treasurer's payout files (api/finance)
    "payout_no_city_account": (
        "Er is geen rekening van de gemeente ingesteld om uit te betalen (WESH_DEBTOR_IBAN). "
        "Vraag de beheerder die in te stellen.",
        "No city account to pay from is set (WESH_DEBTOR_IBAN). Ask the administrator to set it.",
    ),
    "payout_nothing_open": (
        "Er staan geen uitbetalingen open die nog niet in een betaalbestand staan. Er is geen "
        "bestand gemaakt.",
        "There are no open cash-outs that are not in a payment file yet. No file was made.",
    ),
    "payout_no_bank_account": (
        "Geen bestand gemaakt: van {shops} is geen bankrekening bekend. Laat de winkelbeheerder "
        "die invullen (Gemeente, Winkels) en maak het bestand dan opnieuw.",
        "No file was made: there is no bank account for {shops}. Ask the merchant manager to add "
        "it (City, Shops), then make the file again.",
    ),
    "payout_not_open": (
        "Uitbetaling {ids} staat niet (meer) open. Ververs de pagina en kies opnieuw.",
        "Cash-out {ids} is not open (any more). Reload the page and choose again.",
    ),
    "payout_already_filed": (
        "Uitbetaling {ids} staat al in een betaalbestand. Download dat bestand, of maak dat "
        "bestand opnieuw als de bank het niet heeft uitgevoerd.",
        "Cash-out {ids} is in a payment file already. Download that file, or make that file "
        "again if the bank did not execute it.",
    ),
    "payout_busy": (
        "Iemand anders maakte net een betaalbestand met dezelfde uitbetalingen. Ververs de pagina.",
        "Someone else just made a payment file with the same cash-outs. Reload the page.",
    ),
    "payout_date_past": (
        "De uitvoerdatum ligt in het verleden. Kies vandaag of later.",
        "The execution date is in the past. Choose today or later.",
    ),
    "payout_file_unknown": (
        "Dit betaalbestand bestaat niet. Kies een bestand uit de lijst.",
        "This payment file does not exist. Choose a file from the list.",
    ),
    "payout_file_replaced": (
        "Dit betaalbestand is vervangen door bestand {file_id}. Gebruik dat bestand.",
        "This payment file was replaced by file {file_id}. Use that file.",
    ),
    "payout_file_paid": (
        "Alle uitbetalingen in dit bestand zijn al als betaald gemarkeerd. Er hoeft niets meer.",
        "Every cash-out in this file is marked paid already. Nothing more to do.",
    ),
    # the index the API reads
    "index_not_ready": (
        "De index is nog niet klaar: de indexer heeft de blockchain nog niet ingelezen. "
        "Probeer het over een minuut opnieuw; blijft dit zo, start dan de indexer "
        "(python -m indexer).",
        "The index is not ready yet: the indexer has not read the chain yet. Please try again "
        "in a minute; if this persists, start the indexer (python -m indexer).",
    ),
    "index_version": (
        "De index is van een andere versie (schema {found}; deze API leest {expected}). "
        "Start de indexer en de API van dezelfde release; een oudere index bouwt "
        "python -m indexer reset opnieuw op.",
        "The index is of another version (schema {found}; this API reads {expected}). Run the "
        "indexer and the API of the same release; python -m indexer reset rebuilds an older "
        "index.",
    ),
    # the city's relayer: why it does not take a signed request (one table: relayer/reasons.py)
    **{f"relay_{code}": texts for code, texts in relay_reasons.TEXTS.items()},
}

#: The contracts' revert strings in words (Dutch, English). Their one table is wesh/refusals.py,
#: shared with the scripts; this view keeps the API's lookups by reason.
REASONS: dict[str, tuple[str, str]] = {r.reason: (r.nl, r.en) for r in refusals.REFUSALS}

ROLE_NAMES: dict[str, tuple[str, str]] = {
    "admin": ("beheerder", "admin"),
    "registrar": ("registrator", "registrar"),
    "registrar or merchant manager": (
        "registrator of winkelbeheerder",
        "registrar or merchant manager",
    ),
    "merchant manager": ("winkelbeheerder", "merchant manager"),
    "association": ("buurtvereniging", "neighbourhood association"),
    "registrar or association": (
        "registrator of buurtvereniging",
        "registrar or neighbourhood association",
    ),
    "registrar or merchant manager or association": (
        "registrator, winkelbeheerder of buurtvereniging",
        "registrar, merchant manager or neighbourhood association",
    ),
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


#: A hand-in photo named in a refusal ("De foto van vóór het werk is te groot").
PHOTO_NAMES: dict[str, tuple[str, str]] = {
    "before": ("van vóór het werk", "from before the work"),
    "after": ("van na het werk", "from after the work"),
    # A photo of another kind (a task's reference photo): the one just chosen.
    "photo": ("die je koos", "you chose"),
}


def text(key: str, lang: Lang, **params: Any) -> str:
    nl, en = MESSAGES.get(key, MESSAGES["bad_request"])
    template = nl if lang == "nl" else en
    if "role" in params:
        names = ROLE_NAMES.get(str(params["role"]))
        if names:
            params = {**params, "role": names[0] if lang == "nl" else names[1]}
    if "photo" in params:
        which = PHOTO_NAMES.get(str(params["photo"]))
        if which:
            params = {**params, "which": which[0] if lang == "nl" else which[1]}
    if "fields" in params and isinstance(params["fields"], list):
        params = {**params, "fields": ", ".join(params["fields"])}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def reason_message(reason: str, lang: Lang) -> str:
    """A contract revert string in words (wesh/refusals.py); the raw reason where the table has
    none."""
    nl_en = REASONS.get(reason)
    if nl_en is None:
        fallback = "Dit werd geweigerd" if lang == "nl" else "This was refused"
        return f"{fallback} ({reason})."
    return nl_en[0] if lang == "nl" else nl_en[1]
