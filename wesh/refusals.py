"""Why the contracts refuse, in words: one table for the API, the dApp's messages and the scripts.

Every refusal of contracts/**/*.vy is a short English revert string ("tasks: all slots taken").
People read this table instead: Dutch first, English second, and for city staff the next step
where one exists (what to run or whom to ask). The API answers in the caller's language
(api/i18n.py); the scripts print the English next step after the contract's own words
(scripts/_common.py). tests/wesh/test_wesh_refusals.py reads every revert string out of the
contracts and checks that each has both texts here, and that nothing here is a string the
contracts no longer have.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """One revert string of the contracts and what it means."""

    reason: str  # exactly as the contract reverts
    nl: str
    en: str
    #: What to do next (city staff): both languages or neither.
    next_nl: str | None = None
    next_en: str | None = None


REFUSALS: tuple[Refusal, ...] = (
    # --- Heitje.vy: the token --------------------------------------------------------------------
    Refusal(
        "heitje: amount exceeds your balance",
        nl="Je saldo is te laag voor dit bedrag.",
        en="Your balance is too low for this amount.",
    ),
    Refusal(
        "heitje: amount is zero",
        nl="Kies een bedrag hoger dan nul.",
        en="Please choose an amount above zero.",
    ),
    Refusal(
        "heitje: refund exceeds what they paid here",
        nl=(
            "Je kunt een inwoner alleen terugbetalen wat die hier met een betaalverzoek betaalde "
            "en nog niet terugkreeg, en alleen tot die inwoner bij een andere winkel betaalt."
        ),
        en=(
            "You can only refund a resident what they paid here with a payment request and have "
            "not had back, and only until they pay at another shop."
        ),
        next_nl=(
            "een winkel betaalt een inwoner alleen terug wat die er met een betaalverzoek "
            "betaalde en nog niet terugkreeg"
        ),
        next_en=(
            "a shop refunds a citizen only what the citizen paid it with a payment request "
            "and has not had back"
        ),
    ),
    Refusal(
        "heitje: amount exceeds allowance",
        nl="Dit bedrag is hoger dan je hebt toegestaan.",
        en="This amount is more than you allowed.",
    ),
    Refusal(
        "heitje: citizens cannot send Heitjes to each other; pay a shop instead",
        nl="Heitjes kun je niet naar een andere inwoner sturen; betaal ermee bij een winkel.",
        en="You cannot send Heitjes to another citizen; spend them at a shop instead.",
    ),
    Refusal(
        "heitje: this shop no longer accepts Heitjes",
        nl="Deze winkel doet niet meer mee. Kies een andere winkel.",
        en="This shop no longer takes part. Please choose another shop.",
    ),
    Refusal(
        "heitje: Heitjes can only be paid to registered shops",
        nl="Heitjes kun je alleen bij deelnemende winkels uitgeven.",
        en="Heitjes can only be spent at participating shops.",
    ),
    Refusal(
        "heitje: merchants can only refund citizens",
        nl="Een winkel kan alleen geld teruggeven aan een inwoner.",
        en="A shop can only refund a citizen.",
    ),
    Refusal(
        "heitje: only registered citizens and merchants hold Heitjes",
        nl="Dit adres doet niet mee aan WESH. Meld je bij de gemeente.",
        en="This address does not take part in WESH. Please contact the municipality.",
    ),
    Refusal(
        "heitje: paused",
        nl="WESH is even gepauzeerd door de gemeente. Probeer het later opnieuw.",
        en="WESH has been paused by the municipality. Please try again later.",
        next_nl=(
            "WESH is gepauzeerd door de beheerder; er kan niets veranderen tot de pauze is "
            "opgeheven"
        ),
        next_en="WESH is paused by the admin; nothing can change until it is unpaused",
    ),
    Refusal(
        "heitje: already in that state",
        nl="Dat is al zo ingesteld.",
        en="That is already the case.",
    ),
    # --- Heitje.vy: tasks and claims -------------------------------------------------------------
    Refusal(
        "tasks: not an active citizen",
        nl=(
            "Je kunt geen klussen aannemen: je bent (nog) niet actief als inwoner. Neem contact "
            "op met de gemeente."
        ),
        en=(
            "You cannot take on tasks: you are not (yet) an active citizen. Please contact the "
            "municipality."
        ),
    ),
    Refusal(
        "tasks: not a citizen",
        nl="Dit adres is niet geregistreerd als inwoner.",
        en="This address is not registered as a citizen.",
    ),
    Refusal(
        "tasks: task not open",
        nl="Deze klus is niet meer beschikbaar. Kies een andere klus.",
        en="This task is no longer available. Please choose another one.",
        next_nl="de klus is al geannuleerd of gesloten (zie tasks list --all)",
        next_en="the task is cancelled or closed already (see tasks list --all)",
    ),
    Refusal(
        "tasks: deadline passed",
        nl="De aanmeldtermijn voor deze klus is voorbij. Kies een andere klus.",
        en="The deadline to take on this task has passed. Please choose another one.",
    ),
    Refusal(
        "tasks: all slots taken",
        nl="Alle plekken voor deze klus zijn bezet. Kijk later nog eens of kies een andere klus.",
        en="All places for this task are taken. Check again later or choose another one.",
    ),
    Refusal(
        "tasks: already claimed",
        nl="Je hebt deze klus al aangenomen.",
        en="You have already taken on this task.",
    ),
    Refusal(
        "tasks: no open claim",
        nl="Je hebt voor deze klus niets openstaan.",
        en="You have nothing open for this task.",
    ),
    Refusal(
        "tasks: no such task",
        nl="Deze klus bestaat niet. Kies een klus uit de lijst.",
        en="This task does not exist. Please pick a task from the list.",
        next_nl="controleer het klusnummer (zie tasks list --all)",
        next_en="check the task id (see tasks list --all)",
    ),
    Refusal(
        "tasks: rejected for the last time",
        nl=(
            "Dit werk is drie keer afgewezen; opnieuw inleveren kan niet meer. Je kunt binnen 7 "
            "dagen bezwaar maken bij een andere beoordelaar."
        ),
        en=(
            "This work was rejected three times and cannot be handed in again. You can appeal to "
            "another reviewer within 7 days."
        ),
    ),
    Refusal(
        "tasks: claim expired",
        nl="De tijd voor deze klus is verlopen. Neem een nieuwe klus aan.",
        en="The time for this task has run out. Please take on a new task.",
    ),
    Refusal(
        "tasks: claim still valid",
        nl="Deze klus loopt nog; hij kan pas na de einddatum vervallen.",
        en="This claim is still valid; it can only expire after its end date.",
    ),
    Refusal(
        "tasks: empty evidence CID",
        nl="Voeg eerst je foto's toe.",
        en="Please add your photos first.",
    ),
    Refusal(
        "tasks: terms out of range",
        nl="Controleer de beloning, het aantal plekken, de looptijd en de wijk van de klus.",
        en="Please check the task's reward, number of places, duration and neighbourhood.",
    ),
    Refusal(
        "tasks: deadline not in future",
        nl="De aanmelddatum moet in de toekomst liggen.",
        en="The claim deadline must be in the future.",
    ),
    Refusal(
        "tasks: deadline not passed",
        nl="Deze klus kan pas na de aanmelddatum worden afgesloten.",
        en="This task can only be closed after its claim deadline.",
    ),
    # --- Heitje.vy: earnings caps and the open-claims limit --------------------------------------
    Refusal(
        "cap: yearly limit reached",
        nl="Je jaarlimiet is bereikt: met deze klus zou je boven het maximum voor dit jaar komen.",
        en="You have reached your yearly limit: this task would take you over this year's maximum.",
    ),
    Refusal(
        "cap: monthly limit reached",
        nl="Je maandlimiet is bereikt. Volgende maand kun je weer klussen aannemen.",
        en="You have reached your monthly limit. You can take on tasks again next month.",
    ),
    Refusal(
        "cap: too many open claims",
        nl="Je hebt al het maximum aantal klussen open. Rond er eerst een af.",
        en="You already have the maximum number of open tasks. Finish one first.",
    ),
    Refusal(
        "cap: caps out of range",
        nl="Deze limieten kunnen niet.",
        en="These limits are out of range.",
    ),
    Refusal(
        "cap: only for next year",
        nl="Een nieuwe limiet geldt vanaf 1 januari van volgend jaar, niet eerder en niet later.",
        en="A new limit applies from 1 January of next year, no sooner and no later.",
        next_nl="limieten gaan alleen in op 1 januari van volgend jaar",
        next_en="caps are scheduled from 1 January of next year only",
    ),
    Refusal(
        "cap: pause before lowering caps",
        nl=(
            "Een lagere limiet kan alleen als WESH eerst is gepauzeerd (in een eerdere "
            "transactie), zodat de openstaande reserveringen gecontroleerd kunnen worden. "
            "Pauzeer, controleer, en stel dan de limiet in."
        ),
        en=(
            "A lower limit needs WESH paused first (in an earlier transaction), so that the open "
            "reservations can be checked. Pause, check, then set the limit."
        ),
        next_nl=(
            "verlaag limieten alleen tijdens een pauze (in een eerdere transactie): ape run "
            "parameters pause, voer caps dan opnieuw uit (dat controleert elke "
            "reservering), daarna unpause"
        ),
        next_en=(
            "lower caps only while paused (in an earlier transaction): ape run parameters "
            "pause, then run caps again (it checks every reservation), then unpause"
        ),
    ),
    Refusal(
        "cap: open-claims limit range",
        nl="Dit maximum aantal open klussen kan niet.",
        en="This open-task limit is out of range.",
    ),
    # --- Heitje.vy: reviews ----------------------------------------------------------------------
    Refusal(
        "review: nothing submitted",
        nl="Er is (nog) niets ingeleverd om te beoordelen.",
        en="Nothing has been submitted for review (yet).",
    ),
    Refusal(
        "review: own work",
        nl="Je kunt je eigen werk niet beoordelen.",
        en="You cannot review your own work.",
        next_nl="een beoordelaar kan eigen werk niet goedkeuren: vraag een andere beoordelaar",
        next_en="a reviewer cannot approve their own work: ask another reviewer",
    ),
    Refusal(
        "review: reason out of range",
        nl="Kies een reden voor de afwijzing.",
        en="Please choose a reason for the rejection.",
    ),
    Refusal(
        "review: not a citizen",
        nl="Dit adres is niet geregistreerd als inwoner.",
        en="This address is not registered as a citizen.",
    ),
    Refusal(
        "review: lengths differ",
        nl="Elke klus in de lijst heeft precies één inwoner nodig.",
        en="Each task in the list needs exactly one citizen.",
    ),
    # --- Heitje.vy: appeals ----------------------------------------------------------------------
    Refusal(
        "appeal: nothing to appeal",
        nl="Er is geen afwijzing om bezwaar tegen te maken, of je hebt al bezwaar gemaakt.",
        en="There is no rejection to appeal, or you already appealed.",
    ),
    Refusal(
        "appeal: no appeal waiting",
        nl="Er ligt geen bezwaar te wachten.",
        en="There is no appeal waiting.",
    ),
    Refusal(
        "appeal: needs another reviewer",
        nl="Een bezwaar moet worden beoordeeld door een andere beoordelaar dan wie afwees.",
        en="An appeal must be decided by a reviewer other than the one who rejected.",
        next_nl="wie afwees kan niet over het bezwaar beslissen: vraag een andere beoordelaar",
        next_en="the reviewer who rejected cannot decide the appeal: ask another reviewer",
    ),
    # --- Heitje.vy: the task budget --------------------------------------------------------------
    Refusal(
        "budget: not enough budget",
        nl="Het budget is niet genoeg voor deze klus. Vraag de treasurer om budget.",
        en="The budget is not enough for this task. Ask the treasurer for budget.",
        next_nl="vraag de treasurer om budget: ape run budget grant <euro's>",
        next_en="ask the treasurer to grant budget: ape run budget grant <euros>",
    ),
    Refusal(
        "budget: amount out of range",
        nl="Dit bedrag kan niet.",
        en="This amount is out of range.",
    ),
    Refusal(
        "budget: more than uncommitted",
        nl="Er is niet zoveel vrij budget.",
        en="There is not that much uncommitted budget.",
        next_nl=(
            "alleen budget dat niet aan klussen vastzit kan worden teruggehaald (zie ape "
            "run budget show)"
        ),
        next_en="only budget not committed to tasks can be withdrawn (see ape run budget show)",
    ),
    # --- Redemption.vy and Heitje.vy: cash-outs --------------------------------------------------
    Refusal(
        "redeem: amount is zero",
        nl="Kies een bedrag.",
        en="Please choose an amount.",
    ),
    Refusal(
        "redeem: amount exceeds balance",
        nl="Je kunt niet meer inwisselen dan je saldo.",
        en="You cannot cash in more than your balance.",
    ),
    Refusal(
        "redeem: not a merchant",
        nl="Alleen deelnemende winkels kunnen inwisselen.",
        en="Only participating shops can cash in.",
    ),
    Refusal(
        "redeem: request is not open",
        nl="Deze uitbetaling staat niet (meer) open.",
        en="This cash-out is not open (any more).",
        next_nl="dat verzoek is al betaald (zie redemptions list --all)",
        next_en="that request was paid already (see redemptions list --all)",
    ),
    Refusal(
        "redeem: empty payment reference",
        nl="Vul het betalingskenmerk in.",
        en="Please fill in the payment reference.",
    ),
    Refusal(
        "redeem: only the Redemption contract",
        nl="Inwisselen gaat via het inwisselcontract.",
        en="Cashing in goes through the Redemption contract.",
    ),
    Refusal(
        "redeem: not this Heitje's contract",
        nl="Dat adres is geen inwisselcontract van deze Heitje.",
        en="That address is not a Redemption contract of this Heitje.",
        next_nl=(
            "zet een Redemption-contract voor deze Heitje op (ape run deploy contracts) en noem dat"
        ),
        next_en=(
            "deploy a Redemption contract for this Heitje (ape run deploy contracts) and "
            "name that one"
        ),
    ),
    Refusal(
        "redeem: contract already set",
        nl="Het inwisselcontract is al ingesteld.",
        en="The Redemption contract is already set.",
    ),
    # --- Heitje.vy: citizens and shops -----------------------------------------------------------
    Refusal(
        "registry: already registered",
        nl="Dit adres is al geregistreerd.",
        en="This address is already registered.",
        next_nl="die wallet is al geregistreerd (zie citizens show)",
        next_en="that wallet is registered already (see citizens show)",
    ),
    Refusal(
        "registry: invalid citizen",
        nl="Controleer het adres en de wijk van de inwoner.",
        en="Please check the citizen's address and neighbourhood.",
    ),
    Refusal(
        "registry: invalid merchant",
        nl="Controleer het adres en de gegevens van de winkel.",
        en="Please check the shop's address and details.",
    ),
    Refusal(
        "registry: new wallet in use",
        nl="Die nieuwe wallet is al in gebruik. Maak een nieuwe wallet aan.",
        en="That new wallet is already in use. Please create a new wallet.",
        next_nl="de nieuwe wallet is al geregistreerd of buiten gebruik: gebruik een nieuwe wallet",
        next_en="the new wallet is already registered or retired: use a fresh wallet",
    ),
    Refusal(
        "registry: not registered",
        nl="Dit adres is niet geregistreerd.",
        en="This address is not registered.",
    ),
    Refusal(
        "registry: not a citizen",
        nl="Dit adres is geen inwoner.",
        en="This address is not a citizen.",
    ),
    Refusal(
        "registry: not a merchant",
        nl="Dit adres is geen winkel.",
        en="This address is not a shop.",
    ),
    Refusal(
        "registry: already in that state",
        nl="Dat is al zo ingesteld.",
        en="That is already the case.",
    ),
    Refusal(
        "registry: lengths differ",
        nl="Elke inwoner in de lijst heeft precies één wijk nodig.",
        en="Each citizen in the list needs exactly one neighbourhood.",
    ),
    Refusal(
        "registry: unknown neighbourhood",
        nl="Onbekende wijk.",
        en="Unknown neighbourhood.",
    ),
    Refusal(
        "registry: empty metadata CID",
        nl="De gegevens van de winkel ontbreken.",
        en="The shop's details are missing.",
    ),
    Refusal(
        "registry: too many citizens",
        nl="Het maximum aantal inwoners is bereikt.",
        en="Too many citizens.",
    ),
    Refusal(
        "registry: too many merchants",
        nl="Het maximum aantal winkels is bereikt.",
        en="Too many shops.",
    ),
    # --- modules/access.vy: roles ----------------------------------------------------------------
    Refusal(
        "access: unknown role",
        nl="Onbekende rol.",
        en="Unknown role.",
    ),
    Refusal(
        "access: account is the zero address",
        nl="Ongeldig adres.",
        en="Invalid address.",
    ),
    Refusal(
        "access: admin is the zero address",
        nl="Ongeldig adres.",
        en="Invalid address.",
    ),
    Refusal(
        "access: the last admin cannot be removed",
        nl="De laatste beheerder kan niet worden verwijderd. Voeg eerst een andere beheerder toe.",
        en="The last admin cannot be removed. Add another admin first.",
    ),
    Refusal(
        "access: only an admin may do this",
        nl="Dit mag alleen iemand met de rol beheerder.",
        en="Only someone with the admin role may do this.",
        next_nl=(
            "vraag een beheerder om het uit te voeren, of om je de rol te geven (ape run "
            "roles grant <jij> <rol>)"
        ),
        next_en=(
            "ask an admin to run it, or to grant you the role (ape run roles grant <you> <role>)"
        ),
    ),
    Refusal(
        "access: only a registrar may do this",
        nl="Dit mag alleen iemand met de rol registrator.",
        en="Only someone with the registrar role may do this.",
        next_nl="vraag een beheerder om je die rol te geven: ape run roles grant <jij> <rol>",
        next_en="ask an admin to grant you that role: ape run roles grant <you> <role>",
    ),
    Refusal(
        "access: only a merchant manager may do this",
        nl="Dit mag alleen iemand met de rol winkelbeheerder.",
        en="Only someone with the merchant manager role may do this.",
        next_nl="vraag een beheerder om je die rol te geven: ape run roles grant <jij> <rol>",
        next_en="ask an admin to grant you that role: ape run roles grant <you> <role>",
    ),
    Refusal(
        "access: only a task manager may do this",
        nl="Dit mag alleen iemand met de rol klusbeheerder.",
        en="Only someone with the task manager role may do this.",
        next_nl="vraag een beheerder om je die rol te geven: ape run roles grant <jij> <rol>",
        next_en="ask an admin to grant you that role: ape run roles grant <you> <role>",
    ),
    Refusal(
        "access: only a reviewer may do this",
        nl="Dit mag alleen iemand met de rol beoordelaar.",
        en="Only someone with the reviewer role may do this.",
        next_nl="vraag een beheerder om je die rol te geven: ape run roles grant <jij> <rol>",
        next_en="ask an admin to grant you that role: ape run roles grant <you> <role>",
    ),
    Refusal(
        "access: only a treasurer may do this",
        nl="Dit mag alleen iemand met de rol treasurer.",
        en="Only someone with the treasurer role may do this.",
        next_nl="vraag een beheerder om je die rol te geven: ape run roles grant <jij> <rol>",
        next_en="ask an admin to grant you that role: ape run roles grant <you> <role>",
    ),
    # --- NeighbourhoodDesk.vy: associations register residents of their neighbourhoods ---------
    Refusal(
        "desk: neighbourhood not granted",
        nl=(
            "Jullie vereniging mag in deze wijk geen inwoners aanmelden. Kies een van jullie "
            "wijken, of stuur de inwoner naar de balie van de gemeente."
        ),
        en=(
            "Your association may not register residents in this neighbourhood. Choose one of "
            "your neighbourhoods, or send the resident to the city's desk."
        ),
        next_nl=(
            "de registrator geeft een vereniging een wijk: ape run citizens grant-neighbourhood "
            "<vereniging> <wijk>"
        ),
        next_en=(
            "a registrar grants an association a neighbourhood: ape run citizens "
            "grant-neighbourhood <association> <neighbourhood>"
        ),
    ),
    Refusal(
        "desk: already granted",
        nl="Deze vereniging heeft deze wijk al.",
        en="This association has this neighbourhood already.",
        next_nl="niets te doen; zie de wijken van de vereniging in de index",
        next_en="nothing to do; the association's neighbourhoods are in the index",
    ),
    Refusal(
        "desk: not granted",
        nl="Deze vereniging heeft deze wijk niet.",
        en="This association does not have this neighbourhood.",
        next_nl="niets in te trekken; controleer de wijkcode",
        next_en="nothing to withdraw; check the neighbourhood code",
    ),
    Refusal(
        "desk: unknown neighbourhood",
        nl="Deze wijk bestaat niet.",
        en="This neighbourhood does not exist.",
        next_nl="kies een wijkcode van 1 tot 65535",
        next_en="choose a neighbourhood code from 1 to 65535",
    ),
    Refusal(
        "desk: association is the zero address",
        nl="Geef het account van de vereniging op.",
        en="Give the association's account.",
        next_nl="geef het adres van het account van de vereniging",
        next_en="give the address of the association's account",
    ),
    Refusal(
        "desk: lengths differ",
        nl="De lijst met inwoners en de lijst met wijken zijn niet even lang.",
        en="The list of residents and the list of neighbourhoods differ in length.",
        next_nl="geef voor elke inwoner precies één wijk",
        next_en="give exactly one neighbourhood per resident",
    ),
    # --- Forwarder.vy: requests the city's relayer sends -----------------------------------------
    Refusal(
        "forwarder: request expired",
        nl="Dit verzoek is verlopen voordat het verstuurd kon worden. Probeer het opnieuw.",
        en="This request expired before it could be sent. Please try again.",
    ),
    Refusal(
        "forwarder: invalid signature or nonce",
        nl=(
            "Dit verzoek is niet (meer) geldig: het is al eens uitgevoerd, of niet ondertekend "
            "door dit account. Probeer het opnieuw."
        ),
        en=(
            "This request is not (or no longer) valid: it was carried out already, or not signed "
            "by this account. Please try again."
        ),
    ),
)

#: The table by revert string.
BY_REASON: dict[str, Refusal] = {refusal.reason: refusal for refusal in REFUSALS}


def find(reason: str) -> Refusal | None:
    """The refusal ``reason`` is, or starts with (a node may add details after the contract's
    string); None for a reason the contracts do not give."""
    exact = BY_REASON.get(reason)
    if exact is not None:
        return exact
    starts = [refusal for key, refusal in BY_REASON.items() if reason.startswith(key)]
    return max(starts, key=lambda refusal: len(refusal.reason), default=None)
