"""What the service's own pages (accessibility, privacy, cookies, help) say about the
council running it: its name and whom to contact, from configuration, so another council
changes settings, never pages.

| config key | environment | default |
| --- | --- | --- |
| COUNCIL_NAME | COUNCIL_NAME | Leicestershire County Council |
| COUNCIL_CONTACT_EMAIL | EHRIA_COUNCIL_CONTACT_EMAIL | equality@leics.gov.uk |
| COUNCIL_DATA_PROTECTION_EMAIL | EHRIA_COUNCIL_DATA_PROTECTION_EMAIL | dataprotection@leics... |
| COUNCIL_ACCESSIBILITY_EMAIL | EHRIA_COUNCIL_ACCESSIBILITY_EMAIL | the contact e-mail |
| COUNCIL_RETENTION | EHRIA_COUNCIL_RETENTION | the council's retention schedule sentence |
| ACCESSIBILITY_TESTED_ON | EHRIA_ACCESSIBILITY_TESTED_ON | 1 December 2026 |

Pure: no request, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULTS = {
    "COUNCIL_NAME": "Leicestershire County Council",
    "COUNCIL_CONTACT_EMAIL": "equality@leics.gov.uk",
    "COUNCIL_DATA_PROTECTION_EMAIL": "dataprotection@leics.gov.uk",
    "COUNCIL_RETENTION": (
        "Assessments, their history and the e-mails about them are kept for six years "
        "after the policy they assess is replaced or withdrawn; accounts are kept while "
        "their holders work for the council and signatures for as long as what they "
        "signed."),
    "ACCESSIBILITY_TESTED_ON": "1 December 2026",
}
ENVIRONMENT_KEYS = ("COUNCIL_CONTACT_EMAIL", "COUNCIL_DATA_PROTECTION_EMAIL",
                    "COUNCIL_ACCESSIBILITY_EMAIL", "COUNCIL_RETENTION",
                    "ACCESSIBILITY_TESTED_ON")


@dataclass(frozen=True)
class ServiceInfo:
    council: str
    contact_email: str
    data_protection_email: str
    accessibility_email: str
    retention: str
    tested_on: str


def service_info(config: Mapping[str, object]) -> ServiceInfo:
    """The council's name and contacts, configured or by default."""

    def get(key: str) -> str:
        value = config.get(key)
        return str(value) if value else DEFAULTS.get(key, "")

    contact = get("COUNCIL_CONTACT_EMAIL")
    return ServiceInfo(
        council=get("COUNCIL_NAME"), contact_email=contact,
        data_protection_email=get("COUNCIL_DATA_PROTECTION_EMAIL"),
        accessibility_email=str(config.get("COUNCIL_ACCESSIBILITY_EMAIL") or contact),
        retention=get("COUNCIL_RETENTION"), tested_on=get("ACCESSIBILITY_TESTED_ON"),
    )
