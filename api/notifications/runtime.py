"""The notifications' parts of a running API: the service the routes use and the notifier,
built once per app from its services and ``NotificationSettings``, the notifier started with the
app (a thread of the API process) and stopped with it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from api.deps import Services
from api.notifications.push import VapidKey, WebPusher
from api.notifications.service import NotificationService, Notifier, PushConfig
from api.notifications.settings import NotificationSettings
from api.reports.service import ReportService
from wesh.deployment import DEV_CHAIN_ID

log = logging.getLogger("wesh.api.notifications")


@dataclass
class Notifications:
    service: NotificationService
    notifier: Notifier
    settings: NotificationSettings


def build(services: Services, settings: NotificationSettings | None = None) -> Notifications:
    settings = settings or NotificationSettings()
    dev = services.chain_id == DEV_CHAIN_ID
    key_file = settings.vapid_key_file or (
        services.settings.content_dir.parent / "vapid-private.pem"
    )
    key = VapidKey.load(settings.vapid_private_key, key_file, generate=dev)
    if key is None:
        log.warning("no VAPID key (WESH_VAPID_PRIVATE_KEY): Web Push is off, the inbox works")
    pusher = WebPusher(key, settings.vapid_subject) if key else None
    service = NotificationService(
        services.engine,
        PushConfig(public_key=key.public_key if key else None, allow_http=dev),
        services.citizens.texts,
    )
    notifier = Notifier(
        services.engine,
        pusher,
        warn_before_s=settings.notify_expiring_before_s,
        interval_s=settings.notify_interval_s or 3.0,
        expiring_every_s=settings.notify_expiring_every_s,
        # Residents' reports that became tasks (issue #16).
        feeders=(ReportService(services.engine, services.tasks.content).link,),
    )
    return Notifications(service, notifier, settings)


def notifications(app: FastAPI, services: Services) -> Notifications:
    """The app's notifications, built on first use."""
    found: Notifications | None = getattr(app.state, "notifications", None)
    if found is None:
        found = build(services)
        app.state.notifications = found
    return found


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs the notifier while the app runs (unless ``WESH_NOTIFY_INTERVAL_S`` is 0)."""
    parts = notifications(app, app.state.services)
    running = parts.settings.notify_interval_s > 0
    if running:
        parts.notifier.start()
    try:
        yield
    finally:
        if running:
            parts.notifier.stop()
