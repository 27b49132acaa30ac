"""`ape run tasks`: commission from YAML and CSV (documents by CID, escrow), list, cancel."""

from __future__ import annotations

import json
from datetime import datetime

from scripts_support import TASK_MANAGER, TREASURER, City, alias

from wesh.metadata import TASK_SCHEMA, cid_of
from wesh.rules import AMSTERDAM, TaskStatus


def _yaml(city: City) -> str:
    return f"""# Klussen voor november
tasks:
  - title: Bankje schilderen in het Aambos
    title_en: Paint a bench in the Aambos
    description: Schuur het bankje bij de vijver en verf het groen.
    neighbourhood: Schandelen
    location: {{street: "Aambos, bankje bij de vijver", lat: 50.8938, lon: 5.9931}}
    reward: 25.00
    slots: 2
    claim_deadline: {city.deadline(21)}
    claim_duration: 14 days

  - title: Stickers verwijderen van lantaarnpalen Promenade
    description: Verwijder stickers en plakresten.
    neighbourhood: 1
    location: {{street: Promenade, lat: 50.8868, lon: 5.9792}}
    reward: "12,50"
    slots: 3
    claim_deadline: {city.deadline(14)}T18:00
    claim_duration: 48h
"""


def test_commission_from_yaml(deployed: City) -> None:
    deployed.grant_budget(200)
    path = deployed.write("tasks.yaml", _yaml(deployed))
    output = deployed.ape("tasks", "commission", str(path), "--account", alias(TASK_MANAGER),
                          "--yes")  # fmt: skip
    assert "task id 1" in output and "task id 2" in output
    wesh = deployed.wesh
    bench, stickers = wesh.task(1), wesh.task(2)
    assert (bench.reward, bench.slots, bench.neighbourhood) == (2500, 2, 4)
    assert bench.claim_duration == 14 * 86_400
    deadline = datetime.fromtimestamp(bench.claim_deadline, AMSTERDAM)
    assert deadline.isoformat().startswith(deployed.deadline(21) + "T23:59:59")
    assert (stickers.reward, stickers.slots, stickers.neighbourhood) == (1250, 3, 1)
    assert stickers.claim_duration == 48 * 3600
    assert datetime.fromtimestamp(stickers.claim_deadline, AMSTERDAM).hour == 18
    ledger = wesh.ledger()
    assert ledger.escrow_locked == 2 * 2500 + 3 * 1250
    assert ledger.budget_available == 20_000 - ledger.escrow_locked

    event = deployed.events("TaskCommissioned")[0]
    cid = event["args"]["metadata_cid"]
    data = (deployed.content / cid).read_bytes()
    assert cid_of(data) == cid
    document = json.loads(data)
    assert document["schema"] == TASK_SCHEMA
    assert document["title"] == {"nl": "Bankje schilderen in het Aambos",
                                 "en": "Paint a bench in the Aambos"}  # fmt: skip
    assert document["location"] == {"street": "Aambos, bankje bij de vijver", "lat": 50.8938,
                                    "lon": 5.9931}  # fmt: skip
    assert document["reward"] == 2500 and document["neighbourhood"] == 4

    listing = deployed.ape("tasks", "list")
    assert "Bankje schilderen in het Aambos" in listing and "Schandelen" in listing
    assert "€ 25,00" in listing and "2/2" in listing

    again = deployed.ape("tasks", "commission", str(path), "--account", alias(TASK_MANAGER),
                         "--yes")  # fmt: skip
    assert "is task 1 already: skipped" in again and "tx 0x" not in again
    assert wesh.counts()[2] == 2


def test_commission_from_csv(deployed: City) -> None:
    deployed.grant_budget(100)
    path = deployed.write(
        "tasks.csv",
        "titel;omschrijving;wijk;plek;lat;lon;beloning;plekken;deadline;duur\n"
        "Onkruid wieden plantsoen Schandelerboord;Wied het plantsoen bij de speeltuin.;"
        f"Schandelen;Schandelerboord;50,8981;5,9979;15;2;{deployed.deadline(10)};7 dagen\n"
        "Zwerfafval prikken Grasbroekplein;Prik het plein schoon.;Grasbroek;Grasbroekplein;"
        f"50.8935;5.9705;7,50;4;{deployed.deadline(10)};3 dagen\n",
    )
    deployed.ape("tasks", "commission", str(path), "--account", alias(TASK_MANAGER), "--yes")
    wesh = deployed.wesh
    assert (wesh.task(1).reward, wesh.task(1).slots, wesh.task(1).neighbourhood) == (1500, 2, 4)
    assert (wesh.task(2).reward, wesh.task(2).slots, wesh.task(2).neighbourhood) == (750, 4, 2)
    assert wesh.task(2).claim_duration == 3 * 86_400


def test_a_bad_task_file_sends_nothing(deployed: City) -> None:
    deployed.grant_budget(100)
    path = deployed.write(
        "tasks.yaml",
        f"""- title: Goed
  description: Deze is in orde.
  neighbourhood: Centrum
  location: {{street: Markt, lat: 50.888, lon: 5.979}}
  reward: 5
  slots: 1
  claim_deadline: {deployed.deadline(5)}
  claim_duration: 7 days
- title: Fout
  description: Alles mis.
  neighbourhood: Brunssum
  location: {{street: Markt, lat: 5.979, lon: 50.888}}
  reward: 2000
  slots: 0
  claim_deadline: 2020-01-01
  claim_duration: 10 minuten
  colour: red
""",
    )
    nonce = deployed.nonce(TASK_MANAGER)
    output = deployed.ape("tasks", "commission", str(path), "--account", alias(TASK_MANAGER),
                          "--yes", expect=1)  # fmt: skip
    assert "6 problems on 1 line" in output and output.count("line 9: ") == 6
    for problem in (
        "unknown field 'colour'",
        "unknown neighbourhood 'Brunssum'",
        "reward must be",
        "slots must be",
        "2020-01-01 is in the past",
        "'10 minuten' is not a duration",
    ):
        assert problem in output, problem
    assert deployed.nonce(TASK_MANAGER) == nonce


def test_not_enough_budget_sends_nothing(deployed: City) -> None:
    deployed.grant_budget(10)
    path = deployed.write("tasks.yaml", _yaml(deployed))
    output = deployed.ape("tasks", "commission", str(path), "--account", alias(TASK_MANAGER),
                          "--yes", expect=1)  # fmt: skip
    assert "lock € 87,50 but only € 10,00" in output and "ape run budget grant 78" in output
    assert deployed.wesh.counts()[2] == 0


def test_cancel_returns_unclaimed_escrow(deployed: City) -> None:
    deployed.grant_budget(100)
    (task,) = deployed.commission(("Plantenbakken water geven", "7.50", 2))
    output = deployed.ape("tasks", "cancel", str(task), "--account", alias(TASK_MANAGER), "--yes")
    assert "€ 15,00 back to the budget" in output
    assert deployed.wesh.task(task).status == TaskStatus.CANCELLED
    assert deployed.wesh.ledger().budget_available == 10_000
    assert "No tasks open" in deployed.ape("tasks", "list")
    assert "cancelled" in deployed.ape("tasks", "list", "--all")
    again = deployed.ape("tasks", "cancel", str(task), "--account", alias(TASK_MANAGER), "--yes")
    assert "cancelled already: nothing sent" in again
    missing = deployed.ape("tasks", "cancel", "99", "--account", alias(TASK_MANAGER), "--yes",
                           expect=1)  # fmt: skip
    assert "there is no task 99" in missing


def test_only_a_task_manager_commissions(deployed: City) -> None:
    deployed.grant_budget(100)
    path = deployed.write("tasks.yaml", _yaml(deployed))
    output = deployed.ape("tasks", "commission", str(path), "--account", alias(TREASURER),
                          "--yes", expect=1)  # fmt: skip
    assert "only a task manager may do this" in output
