"""What the report routes take and give."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr

from api.tables import REPORT_REASON_LENGTH
from api.tasks.schemas import TaskIn

#: "received" (the city has not decided yet), "task" (a task was made of it), "declined".
ReportState = Literal["received", "task", "declined"]
#: A reason a resident can understand: a few words at least.
MIN_REASON = 5


class ReportOut(BaseModel):
    """A report as its resident sees it: what they sent and where it stands."""

    report_id: int
    neighbourhood: int
    neighbourhood_name: str
    lat: float
    lon: float
    text: str
    #: Where the photo is (only for its resident and the task managers).
    photo_url: str
    created_at: int
    state: ReportState
    #: The city's reason when it declined.
    reason: str | None = None
    #: The task made of it.
    task_id: int | None = None


class CityReportOut(ReportOut):
    """A report as a task manager sees it: the resident by number only, never an address; the
    photo's CID, to reuse as the task's reference photo."""

    citizen_id: int
    photo_cid: str


class CityReports(BaseModel):
    items: list[CityReportOut]
    #: Reports waiting for a decision (also those not on this page).
    received: int


class DeclineIn(BaseModel):
    reason: str = Field(min_length=MIN_REASON, max_length=REPORT_REASON_LENGTH)


class ReportTaskIn(TaskIn):
    """The commission form filled from a report: the same terms as any task. Its document names
    the report (``report_id``), so that each report's task document is its own."""

    _report_id: int | None = PrivateAttr(default=None)

    def for_report(self, report_id: int) -> ReportTaskIn:
        self._report_id = report_id
        return self

    def document(self) -> dict[str, Any]:
        made = super().document()
        if self._report_id is not None:
            made["report_id"] = self._report_id
        return made
