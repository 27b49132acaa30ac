"""What the dApp's configuration gives."""

from __future__ import annotations

from pydantic import BaseModel


class TokenOut(BaseModel):
    address: str
    symbol: str
    decimals: int
    name: str


class ConfigOut(BaseModel):
    chain_id: int
    heitje: str
    redemption: str
    token: TokenOut
    public_url: str
    demo: bool
    chain_name: str
    rpc_urls: list[str]
    map_tiles_url: str
    map_attribution: str
    # The contract's MAX_REJECTIONS: the rejection that makes this many is final.
    max_rejections: int
    # wesh.rules: the kinds of task (Dutch words, the dApp translates them), the contract's bounds
    # for a task, and the status numbers of tasks and claims with their names.
    categories: list[str]
    max_reward: int
    max_slots: int
    min_claim_duration: int
    max_claim_duration: int
    task_statuses: dict[str, str]
    claim_statuses: dict[str, str]
    # The task document's text limits (the city's rules) and a cash-out's bank reference
    # (Redemption.vy), for the forms' maxlength.
    max_title: int
    max_description: int
    max_payment_reference_length: int
