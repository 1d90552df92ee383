"""Each network's reply limits, and replies counted against them."""

import pytest

from carelane.domain.channels import Network, Visibility
from carelane.replies.length_limits import LIMITS, count_reply, length_limit
from carelane.replies.text_length import Counting


@pytest.mark.parametrize(
    ("network", "visibility", "limit", "counting"),
    [
        (Network.TWITTER, Visibility.PUBLIC, 280, Counting.X_WEIGHTED),
        (Network.TWITTER, Visibility.PRIVATE, 10_000, Counting.X_WEIGHTED),
        (Network.FACEBOOK, Visibility.PUBLIC, 8_000, Counting.CODE_POINTS),
        (Network.FACEBOOK, Visibility.PRIVATE, 2_000, Counting.CODE_POINTS),
        (Network.INSTAGRAM, Visibility.PUBLIC, 2_200, Counting.CODE_POINTS),
        (Network.INSTAGRAM, Visibility.PRIVATE, 1_000, Counting.UTF8_BYTES),
        (Network.YOUTUBE, Visibility.PUBLIC, 10_000, Counting.CODE_POINTS),
        (Network.FORUM, Visibility.PUBLIC, 10_000, Counting.CODE_POINTS),
        (Network.FORUM, Visibility.PRIVATE, 10_000, Counting.CODE_POINTS),
        (Network.REVIEW_SITE, Visibility.PUBLIC, 4_096, Counting.UTF8_BYTES),
    ],
)
def test_the_limits_are_the_networks_own(
    network: Network, visibility: Visibility, limit: int, counting: Counting
) -> None:
    found = length_limit(network, visibility)
    assert found is not None
    assert (found.limit, found.counting) == (limit, counting)


def test_youtube_and_review_sites_take_no_private_messages() -> None:
    assert length_limit(Network.YOUTUBE, Visibility.PRIVATE) is None
    assert length_limit(Network.REVIEW_SITE, Visibility.PRIVATE) is None
    assert len(LIMITS) == 10


def test_a_reply_is_counted_against_its_limit_as_the_network_counts() -> None:
    x_post = length_limit(Network.TWITTER, Visibility.PUBLIC)
    assert x_post is not None
    assert x_post.label == "280 weighted characters for a public post on X/Twitter"
    exactly = count_reply("a" * 278 + "日", x_post)
    assert (exactly.length, exactly.over, exactly.remaining) == (280, False, 0)
    over = count_reply("a" * 279 + "日", x_post)
    assert (over.length, over.over, over.remaining) == (281, True, -1)

    instagram_dm = length_limit(Network.INSTAGRAM, Visibility.PRIVATE)
    assert instagram_dm is not None
    assert instagram_dm.label == "1,000 bytes for a private message on Instagram"
    assert count_reply("é" * 500, instagram_dm).over is False
    assert count_reply("é" * 501, instagram_dm).over is True
