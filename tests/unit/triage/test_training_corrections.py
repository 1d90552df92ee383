"""Learning from agents: corrections folded into training change what the models say
about similar posts, and the same input always trains the same models, byte for byte."""

from pathlib import Path

import pytest

from carelane.domain.triage import Sentiment
from carelane.triage.engine import PostToTriage, WorkspaceTriage, triage_posts
from carelane.triage.models import LINEAR_FILE, MANIFEST_FILE, TriageModels, load_models
from carelane.triage.training import Correction, train_models
from tests.training_subset import write_training_subset

# Agents of an airline keep seeing the same kind of post, which the crowd-labelled data
# never shows: customers who love the seat-back map. The models call such posts
# complaints about a flight; agents correct them to compliments, feeling positive.
CORRECTED_TEXTS = (
    "@united the seat-back map on the flight to Denver, tracked every mile",
    "@JetBlue watching the seat-back map the whole flight to Boston",
    "@SouthwestAir seat-back map tracked our flight over the Rockies",
    "@AmericanAir the seat-back map on flight 1170 tracked every mile",
    "@Delta tracked the flight on the seat-back map the whole way",
    "@USAirways seat-back map flight tracker on the way to Charlotte",
)
NEW_POST = "@VirginAmerica the seat-back map tracked my flight to Dallas"
CORRECTIONS = [Correction(text, "sentiment", "positive") for text in CORRECTED_TEXTS] + [
    Correction(text, "intent", "compliment") for text in CORRECTED_TEXTS
]


@pytest.fixture(scope="module")
def subset(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_training_subset(data_dir, tmp_path_factory.mktemp("data"), rows=200)


@pytest.fixture(scope="module")
def trained(subset: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Models trained on the slice without corrections and with them."""
    folders = {"plain": tmp_path_factory.mktemp("plain"), "corrected": tmp_path_factory.mktemp("c")}
    train_models(subset, folders["plain"])
    train_models(subset, folders["corrected"], CORRECTIONS)
    return folders


def _labels(models: TriageModels, text: str) -> dict[str, str]:
    probabilities = models.probabilities([text])
    return {
        task: models.labels(task)[int(probabilities[task][0].argmax())]
        for task in ("intent", "sentiment")
    }


def test_corrections_change_the_predictions_of_similar_posts(trained: dict[str, Path]) -> None:
    assert NEW_POST not in CORRECTED_TEXTS
    plain, corrected = load_models(trained["plain"]), load_models(trained["corrected"])
    assert plain.version != corrected.version
    assert corrected.manifest["corrections"] == len(CORRECTIONS)

    assert _labels(plain, NEW_POST) != {"intent": "compliment", "sentiment": "positive"}
    assert _labels(corrected, NEW_POST) == {"intent": "compliment", "sentiment": "positive"}
    # Triage, which picks among the intents care acts on, follows.
    (before,) = triage_posts([PostToTriage(NEW_POST)], WorkspaceTriage(), plain)
    (after,) = triage_posts([PostToTriage(NEW_POST)], WorkspaceTriage(), corrected)
    assert before.sentiment is not Sentiment.POSITIVE
    assert after.sentiment is Sentiment.POSITIVE
    assert after.intent.value == "compliment"
    # Posts unlike the corrected ones keep their labels.
    unlike = "@united my bag never arrived and nobody answers the phone"
    assert _labels(corrected, unlike) == _labels(plain, unlike)


def test_training_twice_on_the_same_input_writes_the_same_bytes(
    subset: Path, trained: dict[str, Path], tmp_path: Path
) -> None:
    manifest = train_models(subset, tmp_path, CORRECTIONS)

    for name in (LINEAR_FILE, MANIFEST_FILE):
        assert (tmp_path / name).read_bytes() == (trained["corrected"] / name).read_bytes()
    assert load_models(tmp_path).version == load_models(trained["corrected"]).version
    assert manifest["corrections"] == len(CORRECTIONS)
