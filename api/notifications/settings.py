"""Settings of the residents' notifications (prefix ``WESH_``, as ``api.settings``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotificationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WESH_", env_file=".env", extra="ignore")

    #: The VAPID private key (PEM; "\n" may stand for line breaks). Unset: the key in
    #: ``vapid_key_file``; on the local chain 31337 one is made there when absent. Elsewhere
    #: without a key Web Push is off (the inbox works regardless).
    vapid_private_key: str | None = None
    #: Where the VAPID key is kept (default: ``vapid-private.pem`` beside the content folder).
    vapid_key_file: Path | None = None
    #: Who push services may contact about our pushes (VAPID ``sub``: mailto: or https:).
    vapid_subject: str = "mailto:heitje@heerlen.nl"
    #: Seconds between the notifier's rounds in the API process (0: no notifier here).
    notify_interval_s: float = Field(3.0, ge=0)
    #: How long before a claim's deadline the resident is warned.
    notify_expiring_before_s: int = Field(86_400, ge=60)
    #: Seconds between two looks for claims about to run out (a scan of the open claims).
    notify_expiring_every_s: float = Field(30.0, ge=0)
