"""Certification levels: how far an agent is trusted to post on the brand's behalf.

The seeds' practice: a new agent's every response is approved by a supervisor before it
is posted for a week or two (trainee), then every response is reviewed after it is
posted for a week or two more (probation); after that a share of their responses is
reviewed as part of the ongoing quality process (certified).
"""

from enum import StrEnum


class CertificationLevel(StrEnum):
    TRAINEE = "trainee"  # every reply waits for a supervisor's approval
    PROBATION = "probation"  # sent at once; every reply reviewed after sending
    CERTIFIED = "certified"  # sent at once; a set share reviewed after sending


NEXT_LEVEL: dict[CertificationLevel, CertificationLevel] = {
    CertificationLevel.TRAINEE: CertificationLevel.PROBATION,
    CertificationLevel.PROBATION: CertificationLevel.CERTIFIED,
}
"""The level a promotion leads to."""

DEFAULT_LEVEL = CertificationLevel.CERTIFIED
"""The level of an agent none was set for: they answered before levels were kept."""
