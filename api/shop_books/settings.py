"""The shop's books' one setting, from the environment like the API's own (prefix ``WESH_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ShopBooksSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WESH_", env_file=".env", extra="ignore")

    #: "Who's involved": a neighbourhood's count of residents who paid a shop in a month is shown
    #: only from this many (``WESH_SHOP_MIN_COUNT``). 5, not the public statistics' 3: a shop
    #: knows its customers' faces, and in its own street two or three regulars are people, not a
    #: number. 5 still shows a busy shop its main neighbourhoods in its first month.
    shop_min_count: int = Field(5, ge=2)


@lru_cache
def get_books_settings() -> ShopBooksSettings:
    return ShopBooksSettings()
