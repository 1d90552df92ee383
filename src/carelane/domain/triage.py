"""The vocabulary of triage: what a post asks for and how its author feels."""

from enum import StrEnum


class Intent(StrEnum):
    """What a post asks of the care team (`../shared/data/LABELLING.md` defines each)."""

    COMPLAINT = "complaint"
    QUESTION = "question"
    COMPLIMENT = "compliment"
    SUGGESTION = "suggestion"
    SALES_LEAD = "sales_lead"
    OTHER = "other"  # nothing for care to act on: chatter, news, spam, shares


class Sentiment(StrEnum):
    """How the author of a post feels."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class CorrectedField(StrEnum):
    """The parts of a triage an agent may correct."""

    INTENT = "intent"
    SENTIMENT = "sentiment"
    CATEGORY = "category"
    LANE = "lane"
