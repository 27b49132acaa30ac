"""A citizen's claims: taking a task on, giving it back, appealing a rejection."""

from __future__ import annotations

from fastapi import APIRouter

from api import openapi
from api.deps import Citizen, ServicesDep
from api.errors import NotFound
from api.params import TaskIdPath
from api.prepared import PreparedTx, prepare

router = APIRouter(tags=[openapi.CITIZEN])


@router.post("/me/tasks/{task_id}/claim", response_model=PreparedTx)
def claim(task_id: TaskIdPath, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares taking on a task (the reward is reserved against your cap)."""
    task = svc.tasks.task(task_id)
    if task is None:
        raise NotFound()
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.claim_task(task_id),
        caller.address,
        "claim",
        task_id=task_id,
        reward=task.reward,
    )


@router.post("/me/tasks/{task_id}/appeal", response_model=PreparedTx)
def appeal(task_id: TaskIdPath, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares an appeal against a rejection (once; another reviewer decides)."""
    return prepare(
        svc.wesh, svc.chain_id, svc.wesh.appeal(task_id), caller.address, "appeal", task_id=task_id
    )


@router.post("/me/tasks/{task_id}/abandon", response_model=PreparedTx)
def abandon(task_id: TaskIdPath, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares giving a claimed task back (frees the slot and your reservation)."""
    return prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.abandon(task_id),
        caller.address,
        "abandon",
        task_id=task_id,
    )
