"""The built-in account (issue #14, docs/onboarding.md), in Chromium with no wallet injected: the
page makes a secp256k1 key (noble, web/vendor/noble/), keeps it in IndexedDB and signs with it
behind the same EIP-1193 interface as a wallet (web/js/account.js through web/js/wallet.js).

- The JS EIP-712 digest and signature of a ForwardRequest are Python's to the byte
  (``wesh.forwarding``; both sign deterministically, RFC 6979), and recover to the address the
  page derives; its personal_sign (Sign-In with Ethereum) recovers too; it refuses to send a
  transaction, in Dutch and English.
- The journey: "Doe mee met deze telefoon" makes the account and signs in; the registrar
  registers that address (from the test, through wesh: the desk flow is a later increment); after
  signing out, one tap signs in again with the stored account; with the relayer's sender down the
  page says "later" (there is no sending it oneself for this account); then the citizen claims a
  task through the relayer while the account holds none of the chain's coin, and the claim is in
  the index.
- web/vendor/noble/ is npm's locked release (tools/vendor_noble.py --check).
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import webstack
from conftest import claim_task
from eth_account import Account
from eth_account.messages import encode_defunct
from playwright.sync_api import Page, expect
from web3 import Web3
from webstack import OFFICER, Stack

from indexer.schema import citizens, claims
from relayer.journal import requests as journal_requests
from wesh.forwarding import Domain, ForwardRequest, domain_of, recover, sign_with_key
from wesh.signer import UnlockedSigner, transact

#: Words the citizen's sign-in texts must not use (docs/onboarding.md, "Words").
JARGON = re.compile(r"0x|wallet|transactie|blockchain", re.I)
#: The account module, imported in the page from the URL index.html preloads it under.
IMPORT_ACCOUNT = (
    "import(document.querySelector('link[rel=modulepreload][href$=\"/js/account.js\"]').href)"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer (overrides the suite's stack without it)."""
    running = webstack.start(tmp_path_factory.mktemp("web-account-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


def stored_address(page: Page) -> str | None:
    """The address the page keeps in IndexedDB (None: no account on this browser)."""
    return page.evaluate(  # type: ignore[no-any-return]
        f"{IMPORT_ACCOUNT}.then((account) => account.storedAddress())"
    )


def test_vendored_noble_is_the_locked_npm_release() -> None:
    result = subprocess.run(
        [sys.executable, str(webstack.ROOT / "tools" / "vendor_noble.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_js_signs_a_forward_request_as_python_does(visit, stack: Stack) -> None:
    guest = visit(None, "/burger")
    key = secrets.token_bytes(32)
    signer = Account.from_key(key).address
    domain = domain_of(stack.wesh.forwarder)
    request = ForwardRequest(
        signer=signer,
        to=stack.wesh.heitje.address,
        gas=211_000,
        nonce=3,
        deadline=2**40 + 5,
        data=bytes.fromhex("a9059cbb") + secrets.token_bytes(68),
    )
    typed = request.typed_data(domain)
    out = guest.page.evaluate(
        f"""async ([typed, keyHex]) => {{
          const account = await {IMPORT_ACCOUNT};
          const lib = await account.loadCrypto();
          const key = account.fromHex(keyHex);
          const digest = account.typedDataDigest(JSON.parse(typed), lib.keccak);
          const message = new TextEncoder().encode('Aanmelden bij WESH');
          return {{
            address: account.addressOf(key, lib),
            digest: account.toHex(digest),
            signature: account.signDigest(digest, key, lib),
            personal: account.signDigest(account.personalDigest(message, lib.keccak), key, lib),
          }};
        }}""",
        [json.dumps(typed), "0x" + key.hex()],
    )
    assert out["address"] == signer
    assert out["digest"] == "0x" + request.digest(domain).hex()
    signature = bytes.fromhex(out["signature"][2:])
    assert signature == sign_with_key(request, domain, key)
    assert recover(request, domain, signature) == signer
    # Another domain (chain) gives another digest: the encoder reads the domain, too.
    other = Domain(domain.name, domain.version, domain.chain_id + 1, domain.verifying_contract)
    assert recover(request, other, signature) != signer
    personal = Account.recover_message(
        encode_defunct(text="Aanmelden bij WESH"), signature=out["personal"]
    )
    assert personal == signer


def test_the_provider_signs_with_the_stored_key_and_never_sends(visit, stack: Stack) -> None:
    guest = visit(None, "/burger")
    out = guest.page.evaluate(
        f"""async () => {{
          const account = await {IMPORT_ACCOUNT};
          const provider = account.provider({int(stack.w3.eth.chain_id)});
          const before = await provider.request({{ method: 'eth_accounts' }});
          const asked = {{ method: 'eth_requestAccounts' }};
          const [[address], twice] = await Promise.all([
            provider.request(asked), provider.request(asked),
          ]);
          const again = await provider.request(asked);
          let refusal = null;
          try {{
            const tx = {{ from: address, to: address }};
            await provider.request({{ method: 'eth_sendTransaction', params: [tx] }});
          }} catch (error) {{
            refusal = {{ code: error.code, text: error.text }};
          }}
          return {{
            before, address, twice, again,
            chain: await provider.request({{ method: 'eth_chainId' }}),
            accounts: await provider.request({{ method: 'eth_accounts' }}),
            personal: await provider.request({{
              method: 'personal_sign', params: ['0x6869', address],
            }}),
            refusal,
          }};
        }}"""
    )
    assert out["before"] == []
    address = out["address"]
    assert out["twice"] == [address], "two taps at once make one account"
    assert out["again"] == [address], "a second request keeps the account, never a new one"
    assert out["accounts"] == [address]
    assert out["chain"] == hex(int(stack.w3.eth.chain_id))
    assert Account.recover_message(encode_defunct(b"hi"), signature=out["personal"]) == address
    assert out["refusal"]["code"] == 4200
    assert "verstuurt zelf niets" in out["refusal"]["text"]["nl"]
    assert "sends nothing itself" in out["refusal"]["text"]["en"]
    # The key is sealed under a non-extractable WebCrypto key, not kept raw.
    sealed = guest.page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open('wesh-account');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('keys').objectStore('keys').get('account');
            get.onsuccess = () => resolve({
              raw: 'raw' in get.result,
              extractable: get.result.wrap ? get.result.wrap.extractable : null,
              sealed: get.result.sealed ? get.result.sealed.byteLength : 0,
            });
          };
        })"""
    )
    assert sealed == {"raw": False, "extractable": False, "sealed": 32 + 16}


def test_join_with_this_phone_then_claim_through_the_relayer(visit, stack: Stack) -> None:
    task = stack.task_ids["bench"]
    visitor = visit(None, "/burger", record_texts=True)
    page = visitor.page
    panel = page.locator("section.signin")
    join = panel.get_by_role("button", name="Doe mee met deze telefoon")
    expect(join).to_be_visible()
    storage = panel.locator(".phone-account .hint")
    expect(storage).to_have_text(re.compile("wie deze telefoon ontgrendeld in handen heeft"))
    for text in (join.inner_text(), storage.inner_text()):
        assert not JARGON.search(text), text
    assert stored_address(page) is None

    # "Doe mee": the account is made and signs in (not registered yet).
    join.click()
    page.locator(".account .addr").wait_for()
    address = stored_address(page)
    assert address and Web3.is_checksum_address(address)

    # The registrar registers that address (neighbourhood 4, the task's).
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.register_citizens([address], [4]), officer)  # type: ignore[arg-type]
    stack.wait_indexed()
    assert stack.w3.eth.get_balance(address) == 0  # type: ignore[arg-type]

    # A returning visitor: after signing out, one tap signs in with the stored account.
    page.get_by_role("button", name="Afmelden").click()
    again = page.get_by_role("button", name="Aanmelden met deze telefoon")
    expect(again).to_be_visible()
    expect(page.get_by_role("button", name="Doe mee met deze telefoon")).to_have_count(0)
    again.click()
    page.locator(".account .addr").wait_for()
    page.wait_for_selector("#main[aria-busy='false']")
    assert stored_address(page) == address

    # With the relayer's sender down the phone's account cannot send it itself: the page says
    # "later", offers no "send it yourself", and nothing is claimed.
    visitor.go(f"/burger/klus/{task}")
    stack.stop_relayer()
    try:
        claim_task(page)
        expect(page.locator(".task-actions .status-error")).to_have_text(
            "De gemeente kan dit nu niet voor je versturen. Er is niets veranderd. "
            "Probeer het later opnieuw."
        )
        expect(page.get_by_role("button", name=re.compile("Zelf versturen"))).to_have_count(0)
    finally:
        stack.start_relayer()

    # The claim: signed by the phone's account, sent by the city's relayer.
    visitor.go(f"/burger/klus/{task}")
    claim_task(page)
    expect(page.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible()
    said = [text for text in visitor.seen if "aannemen" in text and len(text) < 200]
    assert [text for text in said if text.startswith(f"Even geduld: Klus {task} aannemen")], said
    assert not [text for text in said if "Bevestig in je app" in text], said
    assert stack.w3.eth.get_balance(address) == 0  # type: ignore[arg-type]
    assert stack.w3.eth.get_transaction_count(address) == 0  # type: ignore[arg-type]
    stack.wait_indexed()
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as db:
            citizen = db.execute(
                sa.select(citizens.c.citizen_id).where(
                    sa.func.lower(citizens.c.wallet) == address.lower()
                )
            ).scalar_one()
            claim = db.execute(
                sa.select(claims.c.status, claims.c.wallet).where(
                    claims.c.task_id == task, claims.c.citizen_id == citizen
                )
            ).one()
            relayed = db.execute(
                sa.select(journal_requests.c.function, journal_requests.c.state).where(
                    sa.func.lower(journal_requests.c.signer) == address.lower()
                )
            ).all()
    finally:
        engine.dispose()
    assert [(row.function, row.state in {"mined", "confirmed"}) for row in relayed] == [
        ("claim", True)
    ]
    assert claim.status == 1  # claimed
    assert claim.wallet.lower() == address.lower()
    assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors
