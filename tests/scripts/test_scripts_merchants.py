"""`ape run merchants`: shops registered with their public document's CID, checked files, reruns."""

from __future__ import annotations

import json

from scripts_support import CITIZENS, EVIDENCE, MERCHANT_MANAGER, MERCHANTS, City, alias

from wesh.metadata import MERCHANT_SCHEMA, cid_of

HEADER = "address;naam;soort;straat;postcode;wijk;lat;lon;website\n"


def test_register_merchants_with_their_documents(deployed: City) -> None:
    bakery, bar = deployed.accounts[MERCHANTS[0]], deployed.accounts[MERCHANTS[1]]
    path = deployed.write(
        "merchants.csv",
        HEADER + f"{bakery};Bakkerij Coriovallum;bakkerij;Saroleastraat 48;6411hn;Centrum;50.88795;"
        "5.98035;https://bakkerij.example\n"
        f"{bar};Café De Mijnlamp;café;Pancratiusplein 12;6411 JR;Centrum;;;\n",
    )
    output = deployed.ape("merchants", "register", str(path), "--account",
                          alias(MERCHANT_MANAGER), "--yes")  # fmt: skip
    assert output.count("tx 0x") == 2
    events = deployed.events("MerchantRegistered")
    assert [e["args"]["merchant"] for e in events] == [bakery, bar]
    cid = events[0]["args"]["metadata_cid"]
    data = (deployed.content / cid).read_bytes()
    assert cid_of(data) == cid  # the CID on chain addresses exactly the stored document
    document = json.loads(data)
    assert document == {
        "schema": MERCHANT_SCHEMA,
        "name": "Bakkerij Coriovallum",
        "kind": "bakery",
        "address": {"street": "Saroleastraat 48", "postcode": "6411 HN", "city": "Heerlen"},
        "neighbourhood": 1,
        "location": {"lat": 50.88795, "lon": 5.98035},
        "website": "https://bakkerij.example",
    }
    assert "iban" not in data.decode().lower()
    assert deployed.wesh.account(bar).is_merchant and deployed.wesh.account(bar).active

    listing = deployed.ape("merchants", "list")
    assert "Bakkerij Coriovallum" in listing and "Café De Mijnlamp" in listing

    again = deployed.ape("merchants", "register", str(path), "--account",
                         alias(MERCHANT_MANAGER), "--yes")  # fmt: skip
    assert "0 to register" in again and "tx 0x" not in again
    assert len(deployed.events("MerchantRegistered")) == 2


def test_a_bad_merchant_file_sends_nothing(deployed: City) -> None:
    deployed.register_citizens(CITIZENS[0])
    a = deployed.accounts
    path = deployed.write(
        "merchants.csv",
        HEADER
        + f"{a[MERCHANTS[0]]};Bakkerij;bakkerij;Saroleastraat 1;6411 HN;Centrum;;;\n"  # 2 fine
        f"{a[MERCHANTS[1]]};Café;kroeg;Pancratiusplein 1;6411 JR;Centrum;;;\n"  # 3 kind
        f"{a[MERCHANTS[2]]};Boeken;boekhandel;Akerstraat 70;64111;Centrum;;;\n"  # 4 postcode
        f"{a[MERCHANTS[3]]};Theater;theater;Markt 1;6411 AA;Centrum;5.98;50.88;\n"  # 5 swapped
        f"{a[MERCHANTS[4]]};;fietsenwinkel;Hoofdstraat 1;6431 LA;Hoensbroek;;;\n"  # 6 no name
        f"{a[CITIZENS[0]]};Winkel;winkel;Markt 2;6411 AA;Centrum;;;\n",  # 7 a citizen (chain)
    )
    nonce = deployed.nonce(MERCHANT_MANAGER)
    output = deployed.ape("merchants", "register", str(path), "--account",
                          alias(MERCHANT_MANAGER), "--yes", expect=1)  # fmt: skip
    assert "line 3: unknown kind 'kroeg'" in output
    assert "line 4: postcode '64111' is not a Dutch postcode" in output
    assert "line 5: location is" in output and "swapped" in output
    assert "line 6: name is empty" in output
    assert "line 2" not in output
    assert deployed.nonce(MERCHANT_MANAGER) == nonce
    # The file passes once those lines are fixed, but line 7 is a citizen's wallet on chain.
    fixed = path.read_text().splitlines()
    kept = [fixed[0], fixed[1], fixed[6]]
    path.write_text("\n".join(kept) + "\n")
    output = deployed.ape("merchants", "register", str(path), "--account",
                          alias(MERCHANT_MANAGER), "--yes", expect=1)  # fmt: skip
    assert "line 3:" in output and "citizen's wallet" in output
    assert deployed.nonce(MERCHANT_MANAGER) == nonce


def test_deactivated_merchants_receive_no_payments(deployed: City) -> None:
    shop = deployed.accounts[MERCHANTS[0]]
    deployed.register_merchants(MERCHANTS[0])
    deployed.ape("merchants", "deactivate", shop, "--account", alias(MERCHANT_MANAGER), "--yes")
    view = deployed.wesh.account(shop)
    assert view.is_merchant and not view.active
    listing = deployed.ape("merchants", "list")
    assert "no" in listing.splitlines()[-1]
    deployed.ape("merchants", "reactivate", shop, "--account", alias(MERCHANT_MANAGER), "--yes")
    assert deployed.wesh.account(shop).active
    wrong = deployed.ape("merchants", "deactivate", deployed.accounts[28],
                         "--account", alias(MERCHANT_MANAGER), "--yes", expect=1)  # fmt: skip
    assert "not a registered merchant" in wrong


def test_update_points_a_shop_at_its_new_document(deployed: City) -> None:
    bakery, bar = deployed.accounts[MERCHANTS[0]], deployed.accounts[MERCHANTS[1]]
    row_bar = f"{bar};Café De Mijnlamp;café;Pancratiusplein 12;6411 JR;Centrum;;;\n"
    first = deployed.write(
        "merchants.csv",
        HEADER
        + f"{bakery};Bakkerij Coriovallum;bakkerij;Saroleastraat 48;6411 HN;Centrum;;;\n"
        + row_bar,
    )
    deployed.ape("merchants", "register", str(first), "--account", alias(MERCHANT_MANAGER),
                 "--yes")  # fmt: skip
    moved = deployed.write(
        "moved.csv",
        HEADER + f"{bakery};Bakkerij Coriovallum & Zn;bakkerij;Akerstraat 7;6411 HA;Centrum;;;"
        "https://bakkerij.example\n" + row_bar,
    )
    output = deployed.ape("merchants", "update", str(moved), "--account",
                          alias(MERCHANT_MANAGER), "--yes")  # fmt: skip
    assert output.count("tx 0x") == 1
    assert "Café De Mijnlamp" in output and "unchanged: skipped" in output
    assert "Done: 1 updated, 1 unchanged." in output
    (updated,) = deployed.events("MerchantUpdated")
    assert updated["args"]["merchant"] == bakery
    document = json.loads((deployed.content / updated["args"]["metadata_cid"]).read_bytes())
    assert document["address"]["street"] == "Akerstraat 7"
    assert document["website"] == "https://bakkerij.example"
    assert "Bakkerij Coriovallum & Zn" in deployed.ape("merchants", "list")
    again = deployed.ape("merchants", "update", str(moved), "--account",
                         alias(MERCHANT_MANAGER), "--yes")  # fmt: skip
    assert "tx 0x" not in again and "Done: 0 updated, 2 unchanged." in again


def test_update_refuses_a_file_with_an_unregistered_shop(deployed: City) -> None:
    stranger = deployed.accounts[MERCHANTS[2]]
    path = deployed.write(
        "merchants.csv",
        HEADER + f"{stranger};Boekhandel;boekhandel;Akerstraat 70;6411 HD;Centrum;;;\n",
    )
    nonce = deployed.nonce(MERCHANT_MANAGER)
    output = deployed.ape("merchants", "update", str(path), "--account",
                          alias(MERCHANT_MANAGER), "--yes", expect=1)  # fmt: skip
    assert "line 2" in output and "not a registered merchant: register it first" in output
    assert deployed.nonce(MERCHANT_MANAGER) == nonce


def test_move_a_shop_to_a_new_wallet(deployed: City) -> None:
    old, new = deployed.accounts[MERCHANTS[0]], deployed.accounts[MERCHANTS[1]]
    deployed.register_merchants(MERCHANTS[0])
    deployed.register_citizens(CITIZENS[0])
    deployed.grant_budget(100)
    (task,) = deployed.commission(("Bankje schilderen", "25", 1))
    deployed.claim_and_submit(CITIZENS[0], task, EVIDENCE)
    deployed.approve_all([(task, CITIZENS[0])])
    deployed.act(CITIZENS[0], deployed.wesh.pay(old, 1800, b"BAK-1"))
    shop_id = deployed.wesh.account(old).id

    output = deployed.ape("merchants", "move", old, new, "--account", alias(MERCHANT_MANAGER),
                          "--yes")  # fmt: skip

    assert f"Shop #{shop_id} now uses {new}" in output
    moved = deployed.wesh.account(new)
    assert (moved.id, moved.balance, moved.is_merchant, moved.active) == (shop_id, 1800, True, True)
    assert deployed.wesh.account(old).moved and deployed.wesh.balance_of(old) == 0
    assert new in deployed.ape("merchants", "list")
    # The old wallet is retired: moving it again, or moving a shop onto a wallet in use, is refused.
    again = deployed.ape("merchants", "move", old, deployed.accounts[28], "--account",
                         alias(MERCHANT_MANAGER), "--yes", expect=1)  # fmt: skip
    assert "retired wallet" in again and "tx 0x" not in again
    taken = deployed.ape("merchants", "move", new, deployed.accounts[CITIZENS[0]], "--account",
                         alias(MERCHANT_MANAGER), "--yes", expect=1)  # fmt: skip
    assert "already in use" in taken and "tx 0x" not in taken
