"""A citizen's claims on chain: taking a task on, giving it back, appealing a rejection."""

from __future__ import annotations

from api.errors import NotFound
from api.prepared import PreparedTx, Transactions
from api.tasks.service import TaskService


class ClaimService:
    def __init__(self, tasks: TaskService, txs: Transactions) -> None:
        self.tasks = tasks
        self.txs = txs

    def claim(self, task_id: int, sender: str) -> PreparedTx:
        """Taking a task on reserves its reward against the citizen's cap: the description names
        the reward, so the task must be known."""
        task = self.tasks.task(task_id)
        if task is None:
            raise NotFound()
        wesh = self.txs.wesh
        return self.txs.prepare(
            wesh.claim_task(task_id), sender, "claim", task_id=task_id, reward=task.reward
        )

    def appeal(self, task_id: int, sender: str) -> PreparedTx:
        return self.txs.prepare(self.txs.wesh.appeal(task_id), sender, "appeal", task_id=task_id)

    def abandon(self, task_id: int, sender: str) -> PreparedTx:
        return self.txs.prepare(self.txs.wesh.abandon(task_id), sender, "abandon", task_id=task_id)
