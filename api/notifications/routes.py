"""The resident's messages (``/me/notifications``) and Web Push (``/push``, ``/me/push``)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request, Response

from api import openapi
from api.deps import Citizen, ServicesDep, indexed_router
from api.errors import Unavailable
from api.notifications.push import Subscription
from api.notifications.runtime import notifications
from api.notifications.schemas import (
    InboxOut,
    MarkRead,
    PushConfigOut,
    PushEndpoint,
    PushStateOut,
    PushSubscriptionIn,
    UnreadOut,
)
from api.notifications.service import NotificationService

router = indexed_router()


async def _service(request: Request, svc: ServicesDep) -> NotificationService:
    return notifications(request.app, svc).service


Notifications = Annotated[NotificationService, Depends(_service)]


@router.get("/me/notifications", response_model=InboxOut, tags=[openapi.CITIZEN])
def inbox(caller: Citizen, service: Notifications) -> InboxOut:
    """The resident's messages, newest first (at most 50), and how many are unread."""
    return service.inbox(caller.address)


@router.get("/me/notifications/unread", response_model=UnreadOut, tags=[openapi.CITIZEN])
def unread(caller: Citizen, service: Notifications) -> UnreadOut:
    """How many of the resident's messages are unread (the header's count)."""
    return UnreadOut(unread=service.unread(caller.address))


@router.post("/me/notifications/read", response_model=UnreadOut, tags=[openapi.CITIZEN])
def mark_read(caller: Citizen, service: Notifications, body: MarkRead | None = None) -> UnreadOut:
    """Marks the messages the resident has seen read (up to ``up_to``, else all)."""
    up_to = body.up_to if body else None
    return UnreadOut(unread=service.mark_read(caller.address, up_to, int(time.time())))


@router.get("/push", response_model=PushConfigOut, tags=[openapi.PUBLIC])
def push_config(service: Notifications) -> PushConfigOut:
    """Whether the city sends Web Push, and the key a browser subscribes with."""
    key = service.push.public_key
    return PushConfigOut(enabled=key is not None, public_key=key)


@router.get("/me/push", response_model=PushStateOut, tags=[openapi.CITIZEN])
def push_state(caller: Citizen, service: Notifications) -> PushStateOut:
    return PushStateOut(subscriptions=service.subscribed(caller.address))


@router.post("/me/push", status_code=201, response_model=PushStateOut, tags=[openapi.CITIZEN])
def subscribe(caller: Citizen, service: Notifications, body: PushSubscriptionIn) -> PushStateOut:
    """Keeps this browser's push subscription: the resident's messages come to this phone too."""
    if service.push.public_key is None:
        raise Unavailable("push_off")
    subscription = Subscription(body.endpoint, body.keys.p256dh, body.keys.auth)
    service.subscribe(caller.address, subscription, body.lang, int(time.time()))
    return PushStateOut(subscriptions=service.subscribed(caller.address))


@router.delete("/me/push", status_code=204, tags=[openapi.CITIZEN])
def unsubscribe(caller: Citizen, service: Notifications, body: PushEndpoint) -> Response:
    """Stops pushes to this browser (the messages stay in the app)."""
    service.unsubscribe(caller.address, body.endpoint)
    return Response(status_code=204)
