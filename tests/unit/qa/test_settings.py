"""Quality settings: the seeds' defaults, checks of criteria, a team's own criteria."""

import pytest
from pydantic import ValidationError

from carelane.qa.settings import Criterion, QualitySettings


def test_the_defaults_are_the_seeds_practice() -> None:
    settings = QualitySettings()
    assert [c.name for c in settings.criteria] == ["accuracy", "tone", "brand_voice", "resolution"]
    assert all(c.max_score == 5 for c in settings.criteria)
    assert settings.approval.followers_above == 10_000
    assert settings.approval.crisis_categories == ["Crisis Communications"]
    assert "lawyer" in settings.approval.words
    assert (settings.promotion.min_days, settings.certified_review_share) == (7, 0.1)


def test_criteria_named_twice_or_under_the_pass_mark_are_refused() -> None:
    with pytest.raises(ValidationError, match="criteria named twice: tone"):
        QualitySettings(criteria=[Criterion(name="tone"), Criterion(name="tone")])
    with pytest.raises(ValidationError, match="pass mark 4 is above the top score of quick"):
        QualitySettings(pass_mark=4, criteria=[Criterion(name="quick", max_score=3)])
    with pytest.raises(ValidationError, match=r"team_criteria\.Care: criteria named twice"):
        QualitySettings(team_criteria={"Care": [Criterion(name="a"), Criterion(name="a")]})
    with pytest.raises(ValidationError, match="String should match pattern"):
        Criterion(name="Brand Voice")
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        QualitySettings.model_validate({"reviewers": 2})


def test_a_team_with_its_own_criteria_uses_them_any_case() -> None:
    own = [Criterion(name="empathy")]
    settings = QualitySettings(team_criteria={"Tier 2": own})
    assert settings.criteria_for(["Care", "tier 2"]) == own
    assert settings.criteria_for(["Care"]) == settings.criteria
