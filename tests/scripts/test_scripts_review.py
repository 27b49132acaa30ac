"""`ape run review`: list waiting work, approve, reject with a reason, batch approve, appeals."""

from __future__ import annotations

from scripts_support import CITIZENS, EVIDENCE, REVIEWER, REVIEWER2, TASK_MANAGER, City, alias

from wesh.rules import ClaimStatus


def _world(city: City) -> tuple[list[int], list[str]]:
    """Three citizens; two tasks; every citizen has submitted work on the first task."""
    city.register_citizens(*CITIZENS[:3])
    city.grant_budget(500)
    tasks = city.commission(("Bankje schilderen", "25", 3), ("Stickers verwijderen", "10", 3))
    for citizen in CITIZENS[:3]:
        city.claim_and_submit(citizen, tasks[0], EVIDENCE)
    return tasks, [city.accounts[c] for c in CITIZENS[:3]]


def test_list_approve_reject_and_batch(deployed: City) -> None:
    (bench, stickers), (anouk, bram, chantal) = _world(deployed)
    wesh = deployed.wesh

    waiting = deployed.ape("review", "list")
    assert waiting.count("submitted") == 3 and "Bankje schilderen" in waiting
    assert anouk in waiting and EVIDENCE in waiting

    deployed.ape("review", "approve", str(bench), anouk, "--account", alias(REVIEWER), "--yes")
    assert wesh.balance_of(anouk) == 2500

    output = deployed.ape("review", "reject", str(bench), "#2", "--reason", "photos",
                          "--account", alias(REVIEWER), "--yes")  # fmt: skip
    assert "De foto's ontbreken" in output
    claim = wesh.claim(bench, wesh.account(bram).id)
    assert claim.status == ClaimStatus.REJECTED and claim.reason == 1

    deployed.act(CITIZENS[1], wesh.submit(bench, EVIDENCE))  # bram resubmits
    deployed.claim_and_submit(CITIZENS[2], stickers, EVIDENCE)
    nonce = deployed.nonce(REVIEWER)
    batch = deployed.ape("review", "approve-batch", "--all", "--account", alias(REVIEWER), "--yes")
    assert "3 submission(s) to approve, paying € 60,00" in batch
    assert deployed.nonce(REVIEWER) == nonce + 1  # one transaction for all three
    assert wesh.balance_of(bram) == 2500 and wesh.balance_of(chantal) == 3500
    assert "Nothing waiting for review" in deployed.ape("review", "list")


def test_batch_approval_of_chosen_tasks_only(deployed: City) -> None:
    (_bench, stickers), (anouk, _, _) = _world(deployed)
    deployed.claim_and_submit(CITIZENS[0], stickers, EVIDENCE)
    deployed.ape("review", "approve-batch", "--task", str(stickers), "--account",
                 alias(REVIEWER), "--yes")  # fmt: skip
    assert deployed.wesh.balance_of(anouk) == 1000
    assert deployed.ape("review", "list").count("submitted") == 3
    refused = deployed.ape("review", "approve-batch", "--account", alias(REVIEWER), "--yes",
                           expect=1)  # fmt: skip
    assert "--task ID" in refused


def test_appeals_need_another_reviewer(deployed: City) -> None:
    (bench, _), (anouk, _, _) = _world(deployed)
    wesh = deployed.wesh
    deployed.ape("review", "reject", str(bench), anouk, "--reason", "3", "--account",
                 alias(REVIEWER), "--yes")  # fmt: skip
    deployed.act(CITIZENS[0], wesh.appeal(bench))
    assert "appeal" in deployed.ape("review", "list")

    same = deployed.ape("review", "decide-appeal", str(bench), anouk, "--grant", "--account",
                        alias(REVIEWER), "--yes", expect=1)  # fmt: skip
    assert "needs another reviewer" in same and "Next:" in same

    deployed.ape("review", "decide-appeal", str(bench), anouk, "--grant", "--account",
                 alias(REVIEWER2), "--yes")  # fmt: skip
    assert wesh.claim(bench, wesh.account(anouk).id).status == ClaimStatus.PAID
    assert wesh.balance_of(anouk) == 2500


def test_bad_review_input_is_refused_before_sending(deployed: City) -> None:
    (bench, stickers), (anouk, _, _) = _world(deployed)
    nonce = deployed.nonce(REVIEWER)
    unknown = deployed.ape("review", "reject", str(bench), anouk, "--reason", "ugly",
                           "--account", alias(REVIEWER), "--yes", expect=1)  # fmt: skip
    assert "unknown reason 'ugly'" in unknown and "photos (1)" in unknown
    nothing = deployed.ape("review", "approve", str(stickers), anouk, "--account",
                           alias(REVIEWER), "--yes", expect=1)  # fmt: skip
    assert "has no submission" in nothing
    not_reviewer = deployed.ape("review", "approve", str(bench), anouk, "--account",
                                alias(TASK_MANAGER), "--yes", expect=1)  # fmt: skip
    assert "only a reviewer may do this" in not_reviewer
    assert deployed.nonce(REVIEWER) == nonce
    assert "photos" in deployed.ape("review", "reasons")
