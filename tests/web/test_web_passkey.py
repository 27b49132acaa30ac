"""The account on this phone under the phone's own lock (issue #14, docs/web.md "The account on
this phone"), in Chromium with its virtual authenticator (CDP ``WebAuthn``: a platform
authenticator with user verification, resident keys and, or without, the PRF extension) and no
wallet injected. The pages are opened as ``localhost`` (a passkey cannot belong to an IP address).

- With PRF: "Doe mee" makes a passkey (rp ``localhost``, a resident key) and the account signs in
  with one lock; IndexedDB holds only ciphertext and the passkey's id (no raw key, no WebCrypto
  key); the page says the phone's screen lock protects it; after a reload the lock is asked
  (the authenticator's signature counter goes up) for a claim relayed by the city, which the
  index and the relayer's journal hold; signing out forgets the opened key.
- Without PRF (``hasPrf`` false): the account is kept the browser's way (a sealed key beside a
  non-extractable WebCrypto key) and the page says the plain sentence.
- The lock not given (``isUserVerified`` false): joining says so calmly and keeps nothing; a
  claim says so calmly and nothing is signed, relayed or claimed.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
import webstack
from conftest import Visitor, claim_task
from eth_account import Account
from eth_account.messages import encode_defunct
from playwright.sync_api import CDPSession, Page, expect
from web3 import Web3
from webstack import OFFICER, Stack

from indexer.schema import citizens, claims
from relayer.journal import requests as journal_requests
from wesh.signer import UnlockedSigner, transact

LOCK_NEW = "Als je telefoon het kan, wordt het beveiligd met de schermvergrendeling"
LOCKED = (
    "Je account staat alleen op deze telefoon en is beveiligd met de schermvergrendeling "
    "van je telefoon."
)
BROWSER = "wie deze telefoon ontgrendeld in handen heeft, kan met je Heitjes betalen"
NOT_UNLOCKED = (
    "Je telefoon is niet ontgrendeld, dus er is niets gebeurd. Probeer het gerust opnieuw."
)
NOT_MADE = (
    "Je telefoon is niet ontgrendeld, dus er is nog geen account gemaakt. "
    "Probeer het gerust opnieuw."
)
CLAIMED = "Je hebt de klus aangenomen. Succes!"
#: A trace or a raw browser message on the page.
RAW = re.compile(r"NotAllowedError|DOMException|Error:|TypeError|webauthn|w3\.org", re.I)
#: The record as IndexedDB holds it: each field's kind (and a byte string's length).
READ_RECORD = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('wesh-account');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('keys')) { resolve(null); return; }
    const get = db.transaction('keys').objectStore('keys').get('account');
    get.onsuccess = () => {
      const record = get.result;
      if (!record) { resolve(null); return; }
      const out = {};
      for (const [name, value] of Object.entries(record)) {
        if (value instanceof CryptoKey) {
          out[name] = { kind: 'CryptoKey', extractable: value.extractable };
        } else if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
          const bytes = new Uint8Array(value.buffer || value);
          const b64 = btoa(String.fromCharCode(...bytes));
          out[name] = { kind: 'bytes', length: bytes.length, b64 };
        } else {
          out[name] = { kind: typeof value, value };
        }
      }
      resolve(out);
    };
  };
})"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer, opened as ``localhost``."""
    running = webstack.start(
        tmp_path_factory.mktemp("web-passkey-stack"), relayer=True, host="localhost"
    )
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Authenticator:
    """A virtual platform authenticator in one visitor's page (CDP ``WebAuthn``)."""

    cdp: CDPSession
    id: str

    def credentials(self) -> list[dict[str, Any]]:
        reply = self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})
        return list(reply["credentials"])

    def sign_count(self) -> int:
        (credential,) = self.credentials()
        return int(credential["signCount"])

    def verified(self, yes: bool) -> None:
        self.cdp.send(
            "WebAuthn.setUserVerified", {"authenticatorId": self.id, "isUserVerified": yes}
        )

    def remove(self) -> None:
        self.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": self.id})


def authenticator(visitor: Visitor, *, prf: bool = True, verified: bool = True) -> Authenticator:
    """Gives the visitor's phone a screen lock (a platform authenticator with user verification,
    with or without PRF) and opens the start page again, which now sees it."""
    cdp = visitor.context.new_cdp_session(visitor.page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "ctap2Version": "ctap2_1",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": verified,
                "hasPrf": prf,
                "automaticPresenceSimulation": True,
            }
        },
    )
    visitor.go("/burger")
    return Authenticator(cdp=cdp, id=str(added["authenticatorId"]))


def stored(page: Page) -> dict[str, Any] | None:
    return page.evaluate(READ_RECORD)  # type: ignore[no-any-return]


def join(visitor: Visitor) -> str:
    """'Doe mee met deze telefoon': the account is made and signs in; returns its address."""
    page = visitor.page
    page.locator("section.signin").get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    page.wait_for_selector("#main[aria-busy='false']")
    record = stored(page)
    assert record is not None
    address = str(record["address"]["value"])
    assert Web3.is_checksum_address(address)
    return address


def register(stack: Stack, address: str) -> None:
    """The registrar registers ``address`` in neighbourhood 4 (the bench task's)."""
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.register_citizens([address], [4]), officer)  # type: ignore[arg-type]
    stack.wait_indexed()


def relayed_and_claimed(stack: Stack, address: str, task: int) -> tuple[list[str], int | None]:
    """What the relayer journaled for ``address`` (functions) and its claim's status on ``task``."""
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as db:
            relayed = db.execute(
                sa.select(journal_requests.c.function).where(
                    sa.func.lower(journal_requests.c.signer) == address.lower()
                )
            ).scalars()
            functions = [str(f) for f in relayed]
            citizen = db.execute(
                sa.select(citizens.c.citizen_id).where(
                    sa.func.lower(citizens.c.wallet) == address.lower()
                )
            ).scalar_one_or_none()
            status = db.execute(
                sa.select(claims.c.status).where(
                    claims.c.task_id == task, claims.c.citizen_id == citizen
                )
            ).scalar_one_or_none()
    finally:
        engine.dispose()
    return functions, status


def test_with_prf_the_phones_lock_protects_the_account(visit, stack: Stack) -> None:
    task = stack.task_ids["bench"]
    visitor = visit(None, "/burger", record_texts=True)
    page = visitor.page
    lock = authenticator(visitor, prf=True)
    hint = page.locator("section.signin .phone-account .hint")
    expect(hint).to_contain_text(LOCK_NEW)
    assert BROWSER not in hint.inner_text()

    # "Doe mee": one passkey on this phone (rp localhost, a resident key), made and used for the
    # sign-in with one lock (the opened key is remembered: the sign-in asked no second time).
    address = join(visitor)
    (credential,) = lock.credentials()
    assert credential["rpId"] == "localhost"
    assert credential["isResidentCredential"] is True
    after_join = int(credential["signCount"])

    # IndexedDB holds ciphertext and the passkey's id: no raw key, no WebCrypto key beside it.
    record = stored(page)
    assert record is not None
    assert set(record) == {"address", "created", "credential", "iv", "sealed"}, record
    assert record["sealed"]["kind"] == "bytes" and record["sealed"]["length"] == 32 + 16
    assert (record["iv"]["kind"], record["iv"]["length"]) == ("bytes", 12)
    assert not [f for f in record.values() if f["kind"] == "CryptoKey"]
    stored_id = base64.b64decode(record["credential"]["b64"])
    assert stored_id == base64.b64decode(credential["credentialId"])
    # The page says what protects it (signed in, not registered yet).
    expect(page.locator(".phone-protection")).to_have_text(LOCKED)

    # Registered at the desk; after a reload the session is back without the lock (no signature
    # yet), and the claim asks the lock once, then goes through the city's relayer.
    register(stack, address)
    visitor.go(f"/burger/klus/{task}")
    assert lock.sign_count() == after_join
    claim_task(page)
    expect(page.get_by_text(CLAIMED)).to_be_visible()
    assert lock.sign_count() == after_join + 1
    stack.wait_indexed()
    functions, status = relayed_and_claimed(stack, address, task)
    assert functions == ["claim"]
    assert status == 1  # claimed
    assert stack.w3.eth.get_balance(address) == 0  # type: ignore[arg-type]

    # The start page (registered now) says it too; signing out forgets the opened key: signing
    # in again asks the lock.
    visitor.go("/burger")
    expect(page.locator(".phone-protection")).to_have_text(LOCKED)
    page.get_by_role("button", name="Afmelden").click()
    again = page.get_by_role("button", name="Aanmelden met deze telefoon")
    expect(page.locator("section.signin .phone-account .hint")).to_have_text(LOCKED)
    before = lock.sign_count()
    again.click()
    page.locator(".account .addr").wait_for()
    assert lock.sign_count() == before + 1
    assert stored(page) == record, "signing in changes nothing that is kept"
    assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors


def test_without_prf_the_account_is_kept_in_the_browser(visit, stack: Stack) -> None:
    visitor = visit(None, "/burger")
    page = visitor.page
    lock = authenticator(visitor, prf=False)
    address = join(visitor)
    record = stored(page)
    assert record is not None
    assert set(record) == {"address", "created", "wrap", "iv", "sealed"}, record
    assert record["wrap"] == {"kind": "CryptoKey", "extractable": False}
    assert record["sealed"]["length"] == 32 + 16
    # The page says the plain sentence, not the screen lock.
    note = page.locator(".phone-protection")
    expect(note).to_contain_text(BROWSER)
    assert "schermvergrendeling" not in note.inner_text()
    # The passkey made in vain was reported unknown to the phone (Chrome's signal) and is gone;
    # the account signs without a prompt.
    assert lock.credentials() == []
    before = len(visitor.console_errors)
    signature = page.evaluate(
        """async (address) => {
          const account = await import(document.querySelector(
            'link[rel=modulepreload][href$="/js/account.js"]').href);
          const params = ['0x6869', address];
          return account.provider(1).request({ method: 'personal_sign', params });
        }""",
        address,
    )
    assert Account.recover_message(encode_defunct(b"hi"), signature=signature) == address
    assert len(visitor.console_errors) == before


def test_an_account_kept_the_browser_way_stays_so_when_a_lock_appears(visit, stack: Stack) -> None:
    """An account made before the phone's lock could protect it (or before this version) keeps
    working as it is: no passkey is made for it, signing asks no lock, the page says the plain
    sentence."""
    visitor = visit(None, "/burger")
    page = visitor.page
    address = join(visitor)
    record = stored(page)
    assert record is not None and "wrap" in record and "credential" not in record
    lock = authenticator(visitor, prf=True)
    expect(page.locator(".phone-protection")).to_contain_text(BROWSER)
    page.get_by_role("button", name="Afmelden").click()
    expect(page.locator("section.signin .phone-account .hint")).to_contain_text(BROWSER)
    page.get_by_role("button", name="Aanmelden met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    assert lock.credentials() == []
    assert stored(page) == record
    assert str(record["address"]["value"]) == address


def test_a_lock_not_given_keeps_and_signs_nothing(visit, stack: Stack) -> None:
    task = stack.task_ids["bench"]
    visitor = visit(None, "/burger", record_texts=True)
    page = visitor.page

    # Joining while the lock says no (a wrong finger, or "cancel"): a calm sentence, no account.
    refusing = authenticator(visitor, prf=True, verified=False)
    page.locator("section.signin").get_by_role("button", name="Doe mee met deze telefoon").click()
    expect(page.locator("section.signin .status-error")).to_contain_text(NOT_MADE)
    assert stored(page) is None
    assert refusing.credentials() == []
    refusing.remove()

    # With a lock that works: joined and registered; then the lock says no for a claim.
    lock = authenticator(visitor, prf=True)
    address = join(visitor)
    register(stack, address)
    visitor.go(f"/burger/klus/{task}")
    before = lock.sign_count()
    lock.verified(False)
    claim_task(page)
    said = page.locator(".task-actions .status-error")
    expect(said).to_contain_text(NOT_UNLOCKED)
    assert lock.sign_count() == before
    stack.wait_indexed()
    assert relayed_and_claimed(stack, address, task) == ([], None)
    shown = [text for text in visitor.seen if RAW.search(text)]
    assert shown == [], shown
    assert page.get_by_role("button", name="Klus aannemen").is_visible(), "it can be tried again"
    assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors


#: A phone that says "PRF enabled" when the passkey is made and gives the output only when it is
#: used (as several do): the made credential's extension results lose their PRF output.
PRF_ONLY_ON_USE = """
(() => {
  const create = navigator.credentials.create.bind(navigator.credentials);
  navigator.credentials.create = async (options) => {
    const made = await create(options);
    if (!made) return made;
    const results = made.getClientExtensionResults();
    made.getClientExtensionResults = () => ({ ...results, prf: { enabled: results.prf.enabled } });
    window.__prfWithheld = (window.__prfWithheld || 0) + 1;
    return made;
  };
})();
"""


def test_a_phone_that_gives_prf_only_on_use_is_asked_once_more(visit, stack: Stack) -> None:
    visitor = visit(None, "/burger")
    page = visitor.page
    visitor.context.add_init_script(PRF_ONLY_ON_USE)
    lock = authenticator(visitor, prf=True)
    join(visitor)
    assert page.evaluate("window.__prfWithheld") == 1
    record = stored(page)
    assert record is not None
    assert set(record) == {"address", "created", "credential", "iv", "sealed"}, record
    # Made, then used once for its PRF output; the sign-in right after asked nothing more.
    (credential,) = lock.credentials()
    made_and_used = int(credential["signCount"])
    expect(page.locator(".phone-protection")).to_have_text(LOCKED)
    visitor.go("/burger")
    page.get_by_role("button", name="Afmelden").click()
    page.get_by_role("button", name="Aanmelden met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    assert lock.sign_count() == made_and_used + 1
