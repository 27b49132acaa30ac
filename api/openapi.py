"""How the OpenAPI document groups the routes: by who calls them (its tags)."""

from __future__ import annotations

PUBLIC = "public"
CITIZEN = "citizen"
MERCHANT = "merchant"
CITY = "city"
AUTH = "auth"
SYSTEM = "system"
DEMO = "demo"
