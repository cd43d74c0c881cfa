"""The roles a user can hold; one person may hold several."""

from enum import StrEnum


class Role(StrEnum):
    LEAD_OFFICER = "lead_officer"
    DEG_CHAIR = "deg_chair"
    WEB_TEAM = "web_team"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.LEAD_OFFICER: "Lead officer",
    Role.DEG_CHAIR: "DEG chair",
    Role.WEB_TEAM: "Web team",
    Role.ADMIN: "Administrator",
}
