"""A citizen's claims: taking a task on, giving it back, appealing a rejection."""

from __future__ import annotations

from api import openapi
from api.deps import Citizen, ServicesDep, indexed_router
from api.params import TaskIdPath
from api.prepared import PreparedTx

router = indexed_router(tags=[openapi.CITIZEN])


@router.post("/me/tasks/{task_id}/claim", response_model=PreparedTx)
def claim(task_id: TaskIdPath, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares taking on a task (the reward is reserved against your cap)."""
    return svc.claims.claim(task_id, caller.address)


@router.post("/me/tasks/{task_id}/appeal", response_model=PreparedTx)
def appeal(task_id: TaskIdPath, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares an appeal against a rejection (once; another reviewer decides)."""
    return svc.claims.appeal(task_id, caller.address)


@router.post("/me/tasks/{task_id}/abandon", response_model=PreparedTx)
def abandon(task_id: TaskIdPath, caller: Citizen, svc: ServicesDep) -> PreparedTx:
    """Prepares giving a claimed task back (frees the slot and your reservation)."""
    return svc.claims.abandon(task_id, caller.address)
