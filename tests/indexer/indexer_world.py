"""A WESH deployment on a real anvil node, driven by a city, reviewers, merchants and citizens.

``tour()`` emits every event of the contracts at least once (in a fixed order); ``random_actions``
draws plausible actions and skips the ones the contracts refuse, so the chain ends up in a random
but reachable state. Every transaction is mined in its own block (anvil automine).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import to_checksum_address
from web3 import Web3

from wesh.anvil import Anvil
from wesh.contract import ContractRefusal, Role, TxRequest, Wesh
from wesh.deploy import deploy
from wesh.deployment import Deployment, save
from wesh.signer import UnlockedSigner, transact

CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
CITY_ROLES = Role.REGISTRAR | Role.MERCHANT_MANAGER | Role.TASK_MANAGER | Role.TREASURER
N_ACCOUNTS = 28


@dataclass
class World:
    node: Anvil
    w3: Web3
    wesh: Wesh
    deployment: Deployment
    city: UnlockedSigner
    reviewers: list[UnlockedSigner]
    merchants: list[UnlockedSigner]
    citizens: list[UnlockedSigner]
    spare: list[UnlockedSigner]
    #: A neighbourhood association's account (GMS): registers through the neighbourhood desk.
    association: UnlockedSigner
    moved: list[str] = field(default_factory=list)
    #: (task id, index in ``citizens``) of every claim made by random_actions.
    claimed: list[tuple[int, int]] = field(default_factory=list)
    sent: int = 0
    refused: int = 0

    # ---------------------------------------------------------------- plumbing
    def send(self, tx: TxRequest, signer: UnlockedSigner) -> bool:
        """Sends a transaction; False when the contract refuses it (nothing is mined)."""
        try:
            transact(self.w3, tx, signer)
        except ContractRefusal:
            self.refused += 1
            return False
        self.sent += 1
        return True

    def rpc(self, method: str, *params: Any) -> Any:
        return self.node.rpc(method, *params)

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.rpc("evm_mine")

    def travel(self, seconds: int) -> None:
        self.rpc("evm_increaseTime", seconds)
        self.rpc("evm_mine")

    def head(self) -> int:
        return int(self.w3.eth.block_number)

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def addresses(self) -> list[str]:
        people = [
            self.city,
            *self.reviewers,
            *self.merchants,
            *self.citizens,
            *self.spare,
            self.association,
        ]
        return [p.address for p in people] + self.moved

    def contracts(self) -> list[str]:
        """The addresses of the contracts whose logs the indexer reads."""
        dep = self.deployment
        return [dep.heitje.lower(), dep.redemption.lower(), dep.neighbourhood_desk.lower()]

    def save_manifest(self, path: Path) -> Path:
        return save(self.deployment, path)

    # ---------------------------------------------------------------- scenarios
    def setup(self) -> None:
        """Registers everyone and grants a budget (a few blocks)."""
        w, city = self.wesh, self.city
        for shop in self.merchants:
            self.send(w.register_merchant(shop.address, CID), city)
        self.send(
            w.register_citizens(
                [c.address for c in self.citizens], [1 + i % 4 for i in range(len(self.citizens))]
            ),
            city,
        )
        self.send(w.grant_budget(5_000_000), city)

    def commission(self, reward: int = 500, slots: int = 5, days: int = 20) -> int:
        self.send(
            self.wesh.commission_task(
                CID, reward, slots, self.now() + days * 86_400, 3 * 86_400, 7
            ),
            self.city,
        )
        return self.wesh.counts()[2]

    def tour(self) -> None:
        """Every event of both contracts at least once."""
        w, city, (rev1, rev2) = self.wesh, self.city, self.reviewers[:2]
        shop, shop2 = self.merchants[:2]
        c = self.citizens
        self.send(w.set_max_open_claims(5), self.wesh_admin())
        self.send(w.grant_role(rev2.address, Role.TREASURER), self.wesh_admin())
        self.send(w.revoke_role(rev2.address, Role.TREASURER), self.wesh_admin())
        self.send(w.update_merchant(shop.address, CID[:-1] + "a"), city)
        t1, t2, t3 = self.commission(), self.commission(700, 3), self.commission(300, 2, days=1)
        for citizen in c[:4]:
            self.send(w.claim_task(t1), citizen)
        for citizen in c[:3]:
            self.send(w.submit(t1, CID), citizen)
        self.send(w.approve_submission(t1, c[0].address), rev1)
        self.send(w.reject_submission(t1, c[1].address, 4), rev1)
        self.send(w.submit(t1, CID[:-2] + "zz"), c[1])
        self.send(w.approve_submissions([(t1, c[1].address)]), rev1)
        self.send(w.reject_submission(t1, c[2].address, 2), rev1)
        self.send(w.appeal(t1), c[2])
        self.send(w.decide_appeal(t1, c[2].address, True, 0), rev2)
        self.send(w.abandon(t1), c[3])
        self.send(w.claim_task(t2), c[3])
        self.send(w.submit(t2, CID), c[3])
        self.send(w.reject_submission(t2, c[3].address, 9), rev1)
        self.send(w.appeal(t2), c[3])
        self.send(w.decide_appeal(t2, c[3].address, False, 7), rev2)
        self.send(w.claim_task(t3), c[4])
        self.send(w.cancel_task(t2), city)
        self.send(w.pay(shop.address, 150, b"QR-1"), c[0])
        self.send(w.transfer(shop2.address, 60), c[1])  # plain: not refundable
        self.send(w.pay(shop2.address, 100, b"QR-2"), c[1])
        self.send(w.transfer(c[1].address, 40), shop2)  # a refund within the window
        self.send(w.approve(shop.address, 2**256 - 1), c[0])
        self.send(w.redeem(100), shop)
        self.send(w.redeem(30), shop2)
        self.send(w.mark_paid([1, 2], "SEPA-E2E-0001"), city)
        self.send(w.set_active(c[5].address, False), city)
        self.send(w.set_active(shop2.address, False), city)
        self.send(w.set_citizen_neighbourhood(c[6].address, 12), city)
        # The association (GMS) may register residents of neighbourhoods 3 and 4; 4 is withdrawn.
        self.send(w.grant_neighbourhood(self.association.address, 3), city)
        self.send(w.grant_neighbourhood(self.association.address, 4), city)
        self.send(w.withdraw_neighbourhood(self.association.address, 4), city)
        newcomer = self.spare.pop()
        self.send(w.desk_register_citizen(newcomer.address, 3), self.association)
        self.citizens.append(newcomer)
        # shop2 lost its key: its id, takings and cash-out go along to a new wallet.
        new_shop_wallet = self.spare.pop()
        self.send(w.move_merchant(shop2.address, new_shop_wallet.address), city)
        self.moved.append(shop2.address)
        self.merchants[1] = new_shop_wallet
        new_wallet = self.spare.pop()
        self.send(w.move_citizen(c[0].address, new_wallet.address), city)
        self.moved.append(c[0].address)
        self.citizens[0] = new_wallet
        self.send(w.withdraw_budget(1_000), city)
        self.travel(3 * 86_400 + 60)  # t3's deadline and c[4]'s claim pass
        self.send(w.expire_claim(t3, c[4].address), city)
        self.send(w.close_task(t3), city)
        self.send(w.set_paused(True), self.wesh_admin())
        # A monthly cap where none is in force lowers the caps: only while paused. (At the end:
        # no claim expires in the 7 days after an unpause, and c[4]'s had to above.)
        self.send(w.set_caps(200_000, 50_000, w.period()[0] + 1), self.wesh_admin())
        self.send(w.set_paused(False), self.wesh_admin())

    def wesh_admin(self) -> UnlockedSigner:
        return self.city

    def random_actions(self, n: int, rng: random.Random) -> None:
        """``n`` random attempts; refused ones are skipped (and cost no block)."""
        w = self.wesh
        for _ in range(n):
            tasks = w.counts()[2]
            task = rng.randint(1, max(tasks, 1))
            index = rng.randrange(len(self.citizens))
            pair_task, pair_index = rng.choice(self.claimed[-8:]) if self.claimed else (task, index)
            citizen = self.citizens[index]
            claimant = self.citizens[pair_index]
            shop = rng.choice(self.merchants)
            reviewer = rng.choice(self.reviewers)
            kind = rng.choices(
                [
                    "commission",
                    "claim",
                    "submit",
                    "approve",
                    "approve_batch",
                    "reject",
                    "appeal",
                    "decide",
                    "abandon",
                    "expire",
                    "pay",
                    "refund",
                    "redeem",
                    "mark_paid",
                    "cancel",
                    "close",
                    "travel",
                    "active",
                    "move",
                    "move_shop",
                    "budget",
                    "neighbourhood",
                    "grant",
                    "desk_register",
                ],
                weights=[
                    *(5, 14, 12, 10, 2, 3, 2, 2, 2, 2, 8, 2, 2, 1, 0.5, 1, 1, 1, 1, 0.5, 1, 1),
                    *(1, 0.5),
                ],
            )[0]
            if kind == "commission":
                self.commission(
                    rng.choice([100, 250, 500, 1_200]), rng.randint(2, 8), rng.choice([1, 10, 40])
                )
            elif kind == "claim":
                task = max(1, tasks - rng.randint(0, 3))
                if self.send(w.claim_task(task), citizen):
                    self.claimed.append((task, index))
            elif kind == "submit":
                cid = CID[:-3] + f"{rng.randint(0, 999):03d}"
                self.send(w.submit(pair_task, cid), claimant)
            elif kind == "approve":
                self.send(w.approve_submission(pair_task, claimant.address), reviewer)
            elif kind == "approve_batch":
                ids = [(c.address, w.account(c.address).id) for c in self.citizens]
                items = [
                    (t, a)
                    for t in range(max(1, tasks - 4), tasks + 1)
                    for a, cid in ids
                    if w.claim(t, cid).status == 2
                ]
                if items:
                    self.send(w.approve_submissions(items), reviewer)
            elif kind == "reject":
                reason = rng.randint(1, 20)
                self.send(w.reject_submission(pair_task, claimant.address, reason), reviewer)
            elif kind == "appeal":
                self.send(w.appeal(pair_task), claimant)
            elif kind == "decide":
                grant = rng.random() < 0.5
                for judge in self.reviewers:
                    tx = w.decide_appeal(pair_task, claimant.address, grant, 0 if grant else 3)
                    if self.send(tx, judge):
                        break
            elif kind == "abandon":
                self.send(w.abandon(pair_task), claimant)
            elif kind == "expire":
                self.send(w.expire_claim(pair_task, claimant.address), shop)
            elif kind == "pay":
                amount = rng.randint(1, 300)
                if rng.random() < 0.7:
                    self.send(w.pay(shop.address, amount, rng.randbytes(8)), citizen)
                else:
                    self.send(w.transfer(shop.address, amount), citizen)
            elif kind == "refund":
                self.send(w.transfer(citizen.address, rng.randint(1, 50)), shop)
            elif kind == "redeem":
                self.send(w.redeem(rng.randint(1, 200)), shop)
            elif kind == "mark_paid":
                count = w.request_count()
                open_ids = [i for i in range(1, count + 1) if w.request(i).status == 1][:5]
                if open_ids:
                    self.send(w.mark_paid(open_ids, f"SEPA-{rng.randint(0, 99999)}"), self.city)
            elif kind == "cancel":
                self.send(w.cancel_task(task), self.city)
            elif kind == "close":
                self.send(w.close_task(task), citizen)
            elif kind == "travel":
                self.travel(rng.choice([3_600, 2 * 86_400, 4 * 86_400, 35 * 86_400]))
            elif kind == "active":
                who = rng.choice([citizen, shop])
                self.send(w.set_active(who.address, not w.account(who.address).active), self.city)
            elif kind == "move" and self.spare:
                new = self.spare.pop()
                if self.send(w.move_citizen(citizen.address, new.address), self.city):
                    self.moved.append(citizen.address)
                    self.citizens[index] = new
                else:
                    self.spare.append(new)
            elif kind == "move_shop" and self.spare:
                new = self.spare.pop()
                if self.send(w.move_merchant(shop.address, new.address), self.city):
                    self.moved.append(shop.address)
                    self.merchants[self.merchants.index(shop)] = new
                else:
                    self.spare.append(new)
            elif kind == "budget":
                if rng.random() < 0.7:
                    self.send(w.grant_budget(rng.randint(1, 100_000)), self.city)
                else:
                    self.send(w.withdraw_budget(rng.randint(1, 100_000)), self.city)
            elif kind == "neighbourhood":
                self.send(
                    w.set_citizen_neighbourhood(citizen.address, rng.randint(1, 30)), self.city
                )
            elif kind == "grant":
                area, gms = rng.randint(1, 5), self.association.address
                if w.is_granted(gms, area):
                    self.send(w.withdraw_neighbourhood(gms, area), self.city)
                else:
                    self.send(w.grant_neighbourhood(gms, area), self.city)
            elif kind == "desk_register" and self.spare:
                new = self.spare.pop()
                area = rng.randint(1, 5)  # refused where not granted
                if self.send(w.desk_register_citizen(new.address, area), self.association):
                    self.citizens.append(new)
                else:
                    self.spare.append(new)


def start_world(node: Anvil, *, confirmations: int = 0) -> World:
    """Deploys WESH on ``node`` (started with at least N_ACCOUNTS accounts) and sets up roles."""
    w3 = Web3(Web3.HTTPProvider(node.url))
    accounts = [UnlockedSigner(a) for a in w3.eth.accounts]
    city, rev1, rev2, shop1, shop2, shop3, *rest = accounts
    deployed = deploy(
        w3,
        city,
        {city.address: CITY_ROLES, rev1.address: Role.REVIEWER, rev2.address: Role.REVIEWER},
    )
    start = w3.eth.get_block(deployed.block)
    deployment = Deployment(
        network="local",
        chain_id=int(w3.eth.chain_id),
        heitje=to_checksum_address(deployed.wesh.heitje.address),
        redemption=to_checksum_address(deployed.wesh.redemption.address),
        neighbourhood_desk=to_checksum_address(deployed.wesh.desk.address),
        start_block=deployed.block,
        deployer=city.address,
        start_block_hash="0x" + bytes(start["hash"]).hex(),
        confirmations=confirmations,
    )
    world = World(
        node=node,
        w3=w3,
        wesh=deployed.wesh,
        deployment=deployment,
        city=city,
        reviewers=[rev1, rev2],
        merchants=[shop1, shop2, shop3],
        citizens=rest[:12],
        spare=rest[13:],
        association=rest[12],
    )
    world.setup()
    return world
