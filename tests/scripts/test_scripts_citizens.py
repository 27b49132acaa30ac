"""`ape run citizens`: bulk registration checked in full first, batches, resumable reruns, wallet
moves and deactivation."""

from __future__ import annotations

from scripts_support import (
    ADMIN,
    CITIZENS,
    EVIDENCE,
    MERCHANTS,
    REGISTRAR,
    City,
    alias,
)

from wesh.rules import ClaimStatus


def _chain_state(city: City) -> tuple[list[int], int, int]:
    return city.nonces(), len(city.events("CitizenRegistered")), city.w3.eth.block_number


def test_a_bad_file_is_reported_row_by_row_and_nothing_is_sent(deployed: City) -> None:
    a = deployed.accounts
    good, other = a[CITIZENS[0]], a[CITIZENS[1]]
    bad = deployed.write(
        "citizens.csv",
        "address,neighbourhood\n"  # line 1
        f"{good},Schandelen\n"  # 2: fine
        "0x12345,Centrum\n"  # 3: bad address
        f"{good.lower()},Grasbroek\n"  # 4: duplicate of line 2 (same wallet, other case)
        f"{other},Atlantis\n"  # 5: unknown neighbourhood
        f"{a[CITIZENS[2]]},Centrum,extra\n"  # 6: wrong number of columns
        f"{a[CITIZENS[3]][:-1]}X,Musschemig\n"  # 7: not hexadecimal
        f"{a[CITIZENS[4]]},Grasbrook\n",  # 8: a typo, with a suggestion
    )
    before = _chain_state(deployed)

    output = deployed.ape("citizens", "register", str(bad), "--account", alias(REGISTRAR),
                          "--yes", expect=1)  # fmt: skip

    assert "6 problems on 6 lines; nothing was sent" in output
    assert "line 3: '0x12345' is not an address" in output
    assert f"line 4: duplicate: {good} is also on line 2" in output
    assert "line 5: unknown neighbourhood 'Atlantis'" in output
    assert "line 6: has 3 values but the header has 2 columns" in output
    assert "line 7:" in output
    assert "line 8: unknown neighbourhood 'Grasbrook': did you mean Grasbroek?" in output
    assert "line 2" not in output.replace("on line 2", "")
    assert _chain_state(deployed) == before


def test_a_wrong_column_is_reported_on_the_header_line(deployed: City) -> None:
    path = deployed.write(
        "citizens.csv",
        f"# export uit het burgerregister\naddress,naam\n{deployed.accounts[CITIZENS[0]]},Piet\n",
    )
    before = _chain_state(deployed)
    output = deployed.ape("citizens", "register", str(path), "--account", alias(REGISTRAR),
                          "--yes", expect=1)  # fmt: skip
    assert "line 2: unknown column 'naam'" in output
    assert "line 2: missing column 'neighbourhood'" in output
    assert _chain_state(deployed) == before


def test_conflicts_with_the_chain_are_bad_rows_too(deployed: City) -> None:
    deployed.register_merchants(MERCHANTS[0])
    path = deployed.write(
        "citizens.csv",
        f"address,neighbourhood\n{deployed.accounts[CITIZENS[0]]},Centrum\n"
        f"{deployed.accounts[MERCHANTS[0]]},Centrum\n",
    )
    before = _chain_state(deployed)
    output = deployed.ape("citizens", "register", str(path), "--account", alias(REGISTRAR),
                          "--yes", expect=1)  # fmt: skip
    assert "line 3:" in output and "is registered as a merchant" in output
    assert _chain_state(deployed) == before


def test_a_clean_file_is_sent_in_batches(deployed: City) -> None:
    wallets = [deployed.accounts[i] for i in CITIZENS[:7]]
    hoods = ["Schandelen", "grasbroek", "3", "Heerlerbaan", "Nieuw-Lotbroek", "Centrum", "Welten"]
    rows = "".join(f"{w};{h}\n" for w, h in zip(wallets, hoods, strict=True))
    path = deployed.write("citizens.csv", f"\ufeffadres;wijk\n{rows}")  # Dutch Excel export
    nonce = deployed.nonce(REGISTRAR)

    output = deployed.ape("citizens", "register", str(path), "--account", alias(REGISTRAR),
                          "--batch-size", "3", "--yes")  # fmt: skip

    assert deployed.nonce(REGISTRAR) == nonce + 3  # 3 + 3 + 1
    assert "(line 2-4)" in output and "(line 8)" in output and output.count("tx 0x") == 3
    events = deployed.events("CitizenRegistered")
    assert [e["args"]["citizen"] for e in events] == wallets
    assert [e["args"]["neighbourhood"] for e in events] == [4, 2, 3, 6, 16, 1, 9]
    assert deployed.wesh.account(wallets[0]).active


def test_a_rerun_after_an_interruption_registers_only_what_is_missing(deployed: City) -> None:
    wallets = [deployed.accounts[i] for i in CITIZENS[:5]]
    path = deployed.write(
        "citizens.csv", "address,neighbourhood\n" + "".join(f"{w},Musschemig\n" for w in wallets)
    )
    # The operator confirms the first batch and stops at the second.
    first = deployed.ape("citizens", "register", str(path), "--account", alias(REGISTRAR),
                         "--batch-size", "2", input="y\nn\n", expect=1)  # fmt: skip
    assert "not sent: register 2 citizen(s) (line 4-5)" in first
    assert "running the same command again skips what is done" in first
    assert len(deployed.events("CitizenRegistered")) == 2

    second = deployed.ape("citizens", "register", str(path), "--account", alias(REGISTRAR),
                          "--batch-size", "2", "--yes")  # fmt: skip

    assert "3 to register, 2 already registered" in second
    assert "line 2:" in second and "registered already: skipped" in second
    registered = [e["args"]["citizen"] for e in deployed.events("CitizenRegistered")]
    assert registered == wallets  # each exactly once, in file order
    third = deployed.ape("citizens", "register", str(path), "--account", alias(REGISTRAR), "--yes")
    assert "0 to register" in third and "tx 0x" not in third


def test_deactivate_and_reactivate(deployed: City) -> None:
    citizen = deployed.accounts[CITIZENS[0]]
    deployed.register_citizens(CITIZENS[0])
    deployed.ape("citizens", "deactivate", citizen, "--account", alias(REGISTRAR), "--yes")
    assert not deployed.wesh.account(citizen).active
    again = deployed.ape("citizens", "deactivate", citizen, "--account", alias(REGISTRAR), "--yes")
    assert "inactive already: nothing sent" in again
    deployed.ape("citizens", "reactivate", citizen, "--account", alias(REGISTRAR), "--yes")
    assert deployed.wesh.account(citizen).active
    stranger = deployed.ape("citizens", "deactivate", deployed.accounts[28],
                            "--account", alias(REGISTRAR), "--yes", expect=1)  # fmt: skip
    assert "is not a citizen" in stranger


def test_move_a_citizen_to_a_new_wallet(deployed: City) -> None:
    old, new = deployed.accounts[CITIZENS[0]], deployed.accounts[CITIZENS[1]]
    deployed.register_citizens(CITIZENS[0])
    deployed.grant_budget(100)
    (task,) = deployed.commission(("Bankje schilderen", "25", 1))
    deployed.claim_and_submit(CITIZENS[0], task, EVIDENCE)
    deployed.approve_all([(task, CITIZENS[0])])
    citizen_id = deployed.wesh.account(old).id

    output = deployed.ape("citizens", "move", old, new, "--account", alias(REGISTRAR), "--yes")

    assert f"Citizen #{citizen_id} now uses {new}" in output
    moved = deployed.wesh.account(new)
    assert moved.id == citizen_id and moved.balance == 2500 and moved.earned_year == 2500
    assert deployed.wesh.account(old).moved
    assert deployed.wesh.claim(task, citizen_id).status == ClaimStatus.PAID
    # The old wallet is retired: registering it again is a bad row.
    path = deployed.write("again.csv", f"address,neighbourhood\n{old},Centrum\n")
    refused = deployed.ape("citizens", "register", str(path), "--account", alias(REGISTRAR),
                           "--yes", expect=1)  # fmt: skip
    assert "line 2:" in refused and "retired wallet" in refused


def test_show_a_citizen(deployed: City) -> None:
    deployed.register_citizens(CITIZENS[0], neighbourhood="Hoensbroek")
    output = deployed.ape("citizens", "show", deployed.accounts[CITIZENS[0]])
    assert "#1" in output and "Hoensbroek" in output and "€ 1.500,00" in output


def test_only_a_registrar_registers(deployed: City) -> None:
    path = deployed.write("c.csv", f"address,neighbourhood\n{deployed.accounts[CITIZENS[0]]},1\n")
    output = deployed.ape("citizens", "register", str(path), "--account", alias(ADMIN), "--yes",
                          expect=1)  # fmt: skip
    assert "only a registrar may do this" in output
    assert deployed.events("CitizenRegistered") == []


def test_grant_and_withdraw_an_associations_neighbourhood(deployed: City) -> None:
    gms = deployed.accounts[CITIZENS[5]]  # an account of its own: GMS's
    registrar = ("--account", alias(REGISTRAR), "--yes")

    output = deployed.ape("citizens", "grant-neighbourhood", gms, "Schandelen", *registrar)

    assert f"{gms} may now register residents of Schandelen (1 neighbourhood(s) in all)" in output
    assert deployed.wesh.is_granted(gms, 4)
    (granted,) = deployed.events("NeighbourhoodGranted", "desk")
    assert (granted.args.association, granted.args.neighbourhood) == (gms, 4)
    assert granted.args.by == deployed.accounts[REGISTRAR]
    again = deployed.ape("citizens", "grant-neighbourhood", gms, "4", *registrar)
    assert "already: nothing sent" in again
    deployed.ape("citizens", "grant-neighbourhood", gms, "Bekkerveld", *registrar)
    assert deployed.wesh.neighbourhood_count(gms) == 2

    output = deployed.ape("citizens", "withdraw-neighbourhood", gms, "Schandelen", *registrar)

    assert "no longer registers residents of Schandelen (1 neighbourhood(s) left)" in output
    assert not deployed.wesh.is_granted(gms, 4) and deployed.wesh.is_granted(gms, 5)
    assert len(deployed.events("NeighbourhoodWithdrawn", "desk")) == 1
    nothing = deployed.ape("citizens", "withdraw-neighbourhood", gms, "Centrum", *registrar)
    assert "does not register residents of Centrum: nothing sent" in nothing


def test_only_a_registrar_grants_a_neighbourhood(deployed: City) -> None:
    gms = deployed.accounts[CITIZENS[5]]
    output = deployed.ape("citizens", "grant-neighbourhood", gms, "Schandelen",
                          "--account", alias(ADMIN), "--yes", expect=1)  # fmt: skip
    assert "only a registrar may do this" in output
    unknown = deployed.ape("citizens", "grant-neighbourhood", gms, "Atlantis",
                           "--account", alias(REGISTRAR), "--yes", expect=1)  # fmt: skip
    assert "unknown neighbourhood 'Atlantis'" in unknown
    assert deployed.events("NeighbourhoodGranted", "desk") == []
