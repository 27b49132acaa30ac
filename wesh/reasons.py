"""Why work was rejected: the reason codes a reviewer gives, with the texts the city publishes.

On chain a rejection carries only a small number (``reject_submission(task, citizen, reason)``),
so no free text about a person is ever public. The citizen reads the text below, Dutch first.
Codes are permanent; add new ones at the end.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: int
    key: str  # what a reviewer types: `--reason photos`
    nl: str
    en: str


REASONS: tuple[Reason, ...] = (
    Reason(
        1,
        "photos",
        "De foto's ontbreken of zijn onduidelijk. Maak een scherpe foto vóór en na het werk.",
        "The photos are missing or unclear. Take a sharp photo before and after the work.",
    ),
    Reason(
        2,
        "unfinished",
        "Het werk is nog niet af. Maak het af en stuur opnieuw in.",
        "The work is not finished yet. Finish it and submit again.",
    ),
    Reason(
        3,
        "location",
        "De foto's zijn niet op de plek van de klus gemaakt.",
        "The photos were not taken at the task's location.",
    ),
    Reason(
        4,
        "instructions",
        "Het werk is niet volgens de omschrijving gedaan.",
        "The work was not done as the task describes.",
    ),
    Reason(
        5,
        "unsafe",
        "Er is onveilig gewerkt. Lees de veiligheidsinstructies en probeer het opnieuw.",
        "The work was done unsafely. Read the safety instructions and try again.",
    ),
    Reason(
        6,
        "duplicate",
        "Dit werk is al eerder ingestuurd.",
        "This work was already submitted before.",
    ),
)

_BY_CODE = {r.code: r for r in REASONS}
_BY_KEY = {r.key: r for r in REASONS}


class UnknownReason(ValueError):
    """A reason that is neither a known key nor a known code."""


def lookup(text: str | int) -> Reason:
    """A reason by key ("photos") or code ("1")."""
    key = str(text).strip().lower()
    if key.isdigit() and int(key) in _BY_CODE:
        return _BY_CODE[int(key)]
    if key in _BY_KEY:
        return _BY_KEY[key]
    choices = ", ".join(f"{r.key} ({r.code})" for r in REASONS)
    raise UnknownReason(f"unknown reason {text!r}: use one of {choices}")


def text_of(code: int) -> str:
    """The citizen-facing text, Dutch first, English second."""
    found = _BY_CODE.get(code)
    if not found:
        return f"reden {code} / reason {code}"
    return f"{found.nl} / {found.en}"
