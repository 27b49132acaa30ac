"""The demo's tasks (issue #15): every one has an estimated time, its kind's safety note and the
confirmation that it is not regular paid work, and exactly one is above the hourly warning, so a
newcomer sees the warning in the overview."""

from __future__ import annotations

import time
from pathlib import Path

from demo import heerlen
from demo.seed import tasks_yaml
from wesh.rules import DEFAULT_HOURLY_WARNING, MAX_REWARD
from wesh.task_files import parse_tasks


def test_the_demo_tasks_carry_time_safety_and_confirmation_and_one_is_above_the_warning(
    tmp_path: Path,
) -> None:
    now = int(time.time())
    path = tmp_path / "tasks.yaml"
    path.write_text(tasks_yaml(now), encoding="utf-8")
    rows = parse_tasks(path, now=now)
    assert len(rows) == len(heerlen.TASKS)
    for row in rows:
        document = row.document
        assert document["estimated_minutes"] > 0
        assert document["safety"]["nl"] and document["safety"]["en"]
        assert document["not_regular_work"] is True
        assert row.reward <= MAX_REWARD
    above = [
        plan.key
        for plan, row in zip(heerlen.TASKS, rows, strict=True)
        if row.terms.hourly is not None and row.terms.hourly > DEFAULT_HOURLY_WARNING
    ]
    assert above == [heerlen.ABOVE_HOURLY_WARNING]
