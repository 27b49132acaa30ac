"""What the inbox and the push subscriptions take and give."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class InboxItem(BaseModel):
    id: int
    #: approved, rejected (a hand-in), expiring (a claim runs out within a day), report_task (the
    #: resident's report became task ``task_id``)
    kind: Literal["approved", "rejected", "expiring", "report_task"]
    task_id: int
    title_nl: str
    title_en: str
    #: The rejection's reason code (``GET /config`` lists them); 0 otherwise.
    reason: int
    #: The reward paid (approved), in cents; 0 otherwise.
    amount: int
    #: Until when the claim can be handed in (again) (rejected, expiring).
    deadline: int | None
    created_at: int
    read: bool


class InboxOut(BaseModel):
    unread: int
    items: list[InboxItem]


class UnreadOut(BaseModel):
    unread: int


class MarkRead(BaseModel):
    #: Marks the items up to this id read (the newest the resident saw); all when left out.
    up_to: int | None = Field(None, ge=0)


class PushKeys(BaseModel):
    p256dh: str = Field(min_length=20, max_length=120, pattern=r"^[A-Za-z0-9_\-=]+$")
    auth: str = Field(min_length=8, max_length=60, pattern=r"^[A-Za-z0-9_\-=]+$")


class PushSubscriptionIn(BaseModel):
    """A browser's ``PushSubscription.toJSON()``, and the language its pushes should be in."""

    endpoint: str = Field(min_length=10, max_length=1000)
    keys: PushKeys
    lang: Literal["nl", "en"] = "nl"


class PushEndpoint(BaseModel):
    endpoint: str = Field(min_length=10, max_length=1000)


class PushConfigOut(BaseModel):
    #: Whether the city sends Web Push at all (a VAPID key is set).
    enabled: bool
    #: The VAPID public key (base64url, uncompressed P-256 point): ``applicationServerKey``.
    public_key: str | None


class PushStateOut(BaseModel):
    #: How many browsers of this account receive pushes.
    subscriptions: int
