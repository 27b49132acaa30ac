"""Joining at the desk: the short code a new account shows, what the desk reads from it, and the
desk's registration and move of a resident.

A new account (signed in, no role yet) asks for a **join code**: eight characters from Crockford's
base32 alphabet (no I, L, O or U: nothing to mistake), shown as ``ABCD-EFGH``, with a QR code of
a link to the desk's page that holds it. The code maps to the account's address for
``CODE_TTL_S``; asking again within that time gives the same code. Neither holds personal data.

``resolve(code)`` is the one way other domains turn a code into an address (the desk for
residents here, shops at the merchant manager's desk, the neighbourhood desk).

When the desk registers a resident it types what it checked (a BSN, a document number): the API
keeps only ``HMAC-SHA256(city secret, normalised reference)`` with the address, the neighbourhood,
the registrar and the time, and warns when the same person was registered before (two
registrations would give one person two yearly caps). The secret is the setting
``WESH_PERSON_REFERENCE_SECRET``; only on the local chain (31337) may it be left out, and then a
fixed development secret stands in (``person_secret``).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import segno
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.joining.schemas import JoinCodeInfo, JoinCodeOut, MoveIn, RegisterIn, ResidentEvent
from api.prepared import PreparedTx, Transactions
from api.tables import JOIN_CODE_LENGTH, join_codes, registrations
from indexer import schema as s
from wesh import anvil
from wesh.neighbourhoods import NEIGHBOURHOODS, name_of

log = logging.getLogger("wesh.api")

#: Crockford's base32: digits and capitals without I, L, O and U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: What people type for what they see (Crockford's decoding): O is 0, I and L are 1.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: A join code is valid this long (a resident shows it at the desk the same day or the next).
CODE_TTL_S = 24 * 3600
#: The desk's page, where a QR code's link goes (``?code=``).
DESK_PAGE = "/gemeente/balie"
#: A person reference is compared on its letters and digits only, in capitals.
REFERENCE_MIN = 4
#: The development secret of the local chain only (its value is public: this line).
DEV_SECRET = hashlib.sha256(b"wesh local chain 31337: development person-reference secret").digest()
#: Dates in the desk's words are Heerlen's.
TIMEZONE = ZoneInfo("Europe/Amsterdam")
KNOWN_NEIGHBOURHOODS = frozenset(n.code for n in NEIGHBOURHOODS)
#: Month names for the dates the desk reads (the problem's ``date_nl`` and ``date_en``).
MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class MissingSecret(RuntimeError):
    """The person-reference secret is not set on a chain other than the local one."""


def person_secret(configured: str | None, chain_id: int) -> bytes:
    """The key of the person-reference hash: the configured secret; on the local chain (31337)
    without one, the fixed development secret; elsewhere without one, ``MissingSecret`` (the API
    does not start: hashes made with a guessable key would protect nobody)."""
    if configured:
        if len(configured) < 16:
            raise MissingSecret(
                "WESH_PERSON_REFERENCE_SECRET is shorter than 16 characters: use a long random "
                "value (python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return configured.encode()
    if chain_id == anvil.DEV_CHAIN_ID:
        log.warning("no WESH_PERSON_REFERENCE_SECRET: using the local chain's development secret")
        return DEV_SECRET
    raise MissingSecret(
        "WESH_PERSON_REFERENCE_SECRET is not set: the desk's person references are hashed with "
        "it. Set a long random value (python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        " and keep it: another value makes earlier registrations unrecognisable."
    )


def normalise(text: str) -> str | None:
    """The code in what the desk typed or scanned: ``ABCD-EFGH``, ``abcd efgh``, ``ABCDEFGH``, or
    the QR code's whole link (its ``code`` parameter). None if it cannot be a code."""
    text = text.strip()
    if "://" in text or text.startswith("/"):
        values = parse_qs(urlsplit(text).query).get("code")
        if not values:
            return None
        text = values[0]
    code = re.sub(r"[\s\-]", "", text).upper().translate(LOOKALIKES)
    if len(code) != JOIN_CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def shown(code: str) -> str:
    """How a code is shown and read out: ``ABCD-EFGH``."""
    return f"{code[:4]}-{code[4:]}"


def normalise_reference(reference: str) -> str:
    """A person reference as it is hashed: letters and digits only, in capitals (so
    ``123 456 782`` and ``123456782``, ``nl-ab12`` and ``NLAB12`` are the same person)."""
    return "".join(ch for ch in reference.upper() if ch.isalnum())


@dataclass(frozen=True)
class Standing:
    """What an address is in the index now."""

    is_citizen: bool
    citizen_id: int | None
    neighbourhood: int | None
    is_merchant: bool
    merchant_id: int | None
    moved: bool
    balance: int

    @property
    def in_use(self) -> bool:
        return self.is_citizen or self.is_merchant or self.moved

    def event(self) -> ResidentEvent:
        return ResidentEvent(
            is_citizen=self.is_citizen,
            citizen_id=self.citizen_id,
            neighbourhood=self.neighbourhood,
            is_merchant=self.is_merchant,
            merchant_id=self.merchant_id,
        )


def standing_of(db: Connection, address: str) -> Standing:
    wallet = address.lower()
    account = db.execute(
        sa.select(s.accounts.c.moved, s.accounts.c.balance).where(s.accounts.c.address == wallet)
    ).first()
    citizen = db.execute(
        sa.select(s.citizens.c.citizen_id, s.citizens.c.neighbourhood).where(
            s.citizens.c.wallet == wallet
        )
    ).first()
    merchant_id = db.execute(
        sa.select(s.merchants.c.merchant_id).where(s.merchants.c.wallet == wallet)
    ).scalar_one_or_none()
    return Standing(
        is_citizen=citizen is not None,
        citizen_id=int(citizen.citizen_id) if citizen else None,
        neighbourhood=int(citizen.neighbourhood) if citizen else None,
        is_merchant=merchant_id is not None,
        merchant_id=int(merchant_id) if merchant_id is not None else None,
        moved=bool(account.moved) if account else False,
        balance=int(account.balance) if account else 0,
    )


class JoinService:
    def __init__(self, engine: Engine, txs: Transactions, public_url: str, secret: bytes) -> None:
        self.engine = engine
        self.txs = txs
        self.public_url = public_url.rstrip("/")
        self._secret = secret

    # ------------------------------------------------------------------ codes
    def link(self, code: str) -> str:
        return f"{self.public_url}{DESK_PAGE}?code={shown(code)}"

    def qr_svg(self, code: str) -> str:
        out = io.BytesIO()
        segno.make(self.link(code), error="m").save(
            out, kind="svg", scale=8, border=2, title="Aanmeldcode / join code"
        )
        return out.getvalue().decode()

    def code_for(self, address: str, now: int) -> JoinCodeOut:
        """The join code of ``address``: the one it has while that is valid, else a new one. A
        retired account (its resident or shop moved to a new phone) gets none: 409
        ``join_retired``, which tells the person where their Heitjes are now."""
        wallet = address.lower()
        with self.engine.begin() as db:
            standing = standing_of(db, wallet)
            if standing.moved and not (standing.is_citizen or standing.is_merchant):
                raise Conflict("join_retired")
            db.execute(sa.delete(join_codes).where(join_codes.c.expires_at <= now))
            row = db.execute(
                sa.select(join_codes.c.code, join_codes.c.expires_at)
                .where(join_codes.c.address == wallet)
                .order_by(join_codes.c.expires_at.desc())
                .limit(1)
            ).first()
            if row is not None:
                code, expires_at = str(row.code), int(row.expires_at)
            else:
                code, expires_at = self._new_code(db, wallet, now), now + CODE_TTL_S
        return JoinCodeOut(
            code=shown(code),
            link=self.link(code),
            qr_svg=self.qr_svg(code),
            expires_at=expires_at,
            registered=standing.is_citizen or standing.is_merchant,
        )

    def _new_code(self, db: Connection, wallet: str, now: int) -> str:
        # 32^8 = 2^40 codes: a clash with a live one is unlikely, but checked.
        for _ in range(10):
            code = "".join(secrets.choice(ALPHABET) for _ in range(JOIN_CODE_LENGTH))
            taken = db.execute(
                sa.select(join_codes.c.code).where(join_codes.c.code == code)
            ).first()
            if taken is None:
                db.execute(
                    join_codes.insert().values(
                        code=code, address=wallet, created_at=now, expires_at=now + CODE_TTL_S
                    )
                )
                return code
        raise RuntimeError("no free join code after 10 tries")  # pragma: no cover

    def resolve(self, code: str, now: int) -> str:
        """The address behind a join code (as typed or scanned; ``normalise``), or the 404
        problem ``join_code_unknown`` for a code that is unknown or expired."""
        return self._resolve(code, now)[0]

    def _resolve(self, text: str, now: int) -> tuple[str, int, str]:
        code = normalise(text)
        if code is None:
            raise NotFound("join_code_unknown")
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(join_codes.c.address, join_codes.c.expires_at).where(
                    join_codes.c.code == code, join_codes.c.expires_at > now
                )
            ).first()
        if row is None:
            raise NotFound("join_code_unknown")
        return str(row.address), int(row.expires_at), code

    def info(self, text: str, now: int) -> JoinCodeInfo:
        """What the code stands for, for the desk."""
        address, expires_at, code = self._resolve(text, now)
        with self.engine.connect() as db:
            standing = standing_of(db, address)
        return JoinCodeInfo(
            code=shown(code),
            address=address,
            expires_at=expires_at,
            is_citizen=standing.is_citizen,
            citizen_id=standing.citizen_id,
            neighbourhood=standing.neighbourhood,
            is_merchant=standing.is_merchant,
            merchant_id=standing.merchant_id,
            moved=standing.moved,
        )

    def standing(self, address: str) -> Standing:
        with self.engine.connect() as db:
            return standing_of(db, address)

    # ------------------------------------------------------------------ the desk
    def person_hash(self, reference: str) -> str:
        normal = normalise_reference(reference)
        if len(normal) < REFERENCE_MIN:
            raise InvalidInput(fields=["person_reference"])
        return hmac.new(self._secret, normal.encode(), hashlib.sha256).hexdigest()

    def register(
        self,
        body: RegisterIn,
        registrar: str,
        now: int,
        association: tuple[int, ...] | None = None,
    ) -> PreparedTx:
        """Prepares registering the account behind ``body.code`` as a citizen of
        ``body.neighbourhood``, after checking it is free and the person was not registered
        before (unless the desk confirms); records the registration (the person as a hash).

        ``association``: the caller is a neighbourhood association (not a registrar) holding
        these neighbourhoods on the neighbourhood desk: any other is refused (403), and the call
        prepared is the desk's ``register_citizen``, which checks the same on chain."""
        address = self.resolve(body.code, now)
        if body.neighbourhood not in KNOWN_NEIGHBOURHOODS:
            raise InvalidInput("neighbourhood_unknown", neighbourhood=body.neighbourhood)
        if association is not None and body.neighbourhood not in association:
            raise Forbidden(
                "neighbourhood_not_granted",
                neighbourhood=name_of(body.neighbourhood),
                neighbourhoods=", ".join(name_of(n) for n in association) or "-",
            )
        person = self.person_hash(body.person_reference)
        with self.engine.connect() as db:
            standing = standing_of(db, address)
            self._refuse_in_use(standing, "already_citizen")
            earlier = self._registered_before(db, person, address)
        if earlier is not None and not body.confirm_duplicate:
            when, hood, times = earlier
            day = datetime.fromtimestamp(when, UTC).astimezone(TIMEZONE).date()
            raise Conflict(
                "person_registered_before",
                date=day.isoformat(),
                date_nl=f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}",
                date_en=f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}",
                registered_at=when,
                neighbourhood=name_of(hood),
                times=times,
            )
        wesh = self.txs.wesh
        prepared = self.txs.prepare(
            wesh.register_citizen(address, body.neighbourhood)
            if association is None
            else wesh.desk_register_citizen(address, body.neighbourhood),
            registrar,
            "register_citizen",
            neighbourhood=name_of(body.neighbourhood),
        )
        with self.engine.begin() as db:
            # Prepared again for the same address (a retry): one record of it.
            db.execute(sa.delete(registrations).where(registrations.c.address == address))
            db.execute(
                registrations.insert().values(
                    person_hash=person,
                    address=address,
                    neighbourhood=body.neighbourhood,
                    registrar=registrar.lower(),
                    registered_at=now,
                )
            )
        return prepared

    @staticmethod
    def _refuse_in_use(standing: Standing, citizen_key: str) -> None:
        if standing.is_citizen:
            raise Conflict(citizen_key, citizen_id=standing.citizen_id or 0)
        if standing.is_merchant:
            raise Conflict("join_code_is_shop")
        if standing.moved:
            raise Conflict("join_code_retired")

    @staticmethod
    def _registered_before(
        db: Connection, person: str, address: str
    ) -> tuple[int, int, int] | None:
        """When and where the same person was last registered from another address that became
        a citizen (a registration prepared but never sent does not count), and how often."""
        became_citizen = sa.select(s.accounts.c.address).where(
            sa.or_(s.accounts.c.is_citizen, s.accounts.c.moved)
        )
        rows = db.execute(
            sa.select(registrations.c.registered_at, registrations.c.neighbourhood)
            .where(
                registrations.c.person_hash == person,
                registrations.c.address != address,
                registrations.c.address.in_(became_citizen),
            )
            .order_by(registrations.c.registered_at.desc())
        ).all()
        if not rows:
            return None
        return int(rows[0].registered_at), int(rows[0].neighbourhood), len(rows)

    def move(self, body: MoveIn, registrar: str, now: int) -> PreparedTx:
        """Prepares moving a citizen (by number or current address) to the account behind the
        new phone's join code."""
        new = self.resolve(body.code, now)
        with self.engine.connect() as db:
            old = self._citizen_wallet(db, body.citizen)
            citizen = standing_of(db, old)
            target = standing_of(db, new)
        if target.in_use:
            raise Conflict("new_phone_in_use")
        return self.txs.prepare(
            self.txs.wesh.move_citizen(old, new),
            registrar,
            "move_citizen",
            citizen_id=citizen.citizen_id,
            amount=citizen.balance,
        )

    @staticmethod
    def _citizen_wallet(db: Connection, citizen: int | str) -> str:
        column = s.citizens.c.citizen_id if isinstance(citizen, int) else s.citizens.c.wallet
        key = citizen if isinstance(citizen, int) else citizen.lower()
        wallet = db.execute(
            sa.select(s.citizens.c.wallet).where(column == key)
        ).scalar_one_or_none()
        if wallet is None:
            raise NotFound("citizen_unknown", citizen=str(citizen))
        return str(wallet)
