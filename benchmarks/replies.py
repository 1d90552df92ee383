"""Replies benchmark: the composer's checks and the suggestions, on one core, over the
real airline tweets.

Each real tweet is taken as the text of a reply (for the checks) and as the customer's
post (for the suggestions), then measured, best of `--repeat` runs (3):

- X's weighted length (`x_weighted_length`), texts per second;
- every guard of a public X reply (`check_reply_text`: variables, limit, personal data),
  texts per second, and how many it refuses;
- suggestions from the 23 shipped airline canned responses by text alone
  (`best_responses` with the post's text and network), posts per second, and how often
  the best suggestion is tagged with the tweet's labelled reason (for tweets whose reason
  is one of the shipped responses' categories), a first measure of its fit; then the
  same with the categories the shipped airline lanes give the tweet (keyword rules and
  example posts, as triage files them; the reason model, trained on these labels, is
  left out).

Figures are printed; nothing about time is asserted. Run with
`python benchmarks/replies.py [--data-dir ../shared/data]`.
"""

import argparse
import csv
from pathlib import Path

from carelane.config import Settings
from carelane.domain.channels import Network, Visibility
from carelane.domain.errors import InvalidInputError
from carelane.replies.guards import check_reply_text
from carelane.replies.text_length import x_weighted_length
from carelane.responses.matching import PostToAnswer, ResponseToMatch, best_responses
from carelane.responses.shipped import shipped_canned_responses
from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import compile_lanes, decide_lane, shipped_lane_config
from timing import best_of


def read_tweets(data_dir: Path) -> list[tuple[str, str]]:
    """(text, labelled negative reason or "") of each airline tweet."""
    with (data_dir / "airline_tweets.csv").open(newline="", encoding="utf-8") as f:
        return [(row["text"], row["negativereason"]) for row in csv.DictReader(f)]


def _refused(texts: list[str]) -> int:
    refused = 0
    for text in texts:
        try:
            check_reply_text(text, network=Network.TWITTER, visibility=Visibility.PUBLIC)
        except InvalidInputError:
            refused += 1
    return refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; best is shown")
    args = parser.parse_args()
    data_dir: Path = args.data_dir or Settings().data_dir
    tweets = read_tweets(data_dir)
    texts = [text for text, _ in tweets]
    shipped = shipped_canned_responses("airline")
    responses = [
        ResponseToMatch(
            number,
            r.title,
            r.text,
            r.lanes,
            r.categories,
            [i.value for i in r.intents],
            [n.value for n in r.networks],
        )
        for number, r in enumerate(shipped)
    ]
    posts = [PostToAnswer(text=text, network="twitter") for text in texts]
    print(
        f"carelane replies benchmark: {len(texts):,} airline tweets of {data_dir}, "
        f"{len(responses)} canned responses, best of {args.repeat} runs, one core"
    )

    seconds = best_of(args.repeat, lambda: [x_weighted_length(t) for t in texts])
    print(f"  X weighted length          {len(texts) / seconds:12,.0f} texts/s")
    seconds = best_of(args.repeat, lambda: _refused(texts))
    print(
        f"  guards of a public X reply {len(texts) / seconds:12,.0f} texts/s  "
        f"({_refused(texts):,} refused)"
    )
    best_responses(responses, posts[0])  # the responses' vectors, computed once
    seconds = best_of(args.repeat, lambda: [best_responses(responses, p) for p in posts])
    print(f"  suggestions by text alone  {len(posts) / seconds:12,.0f} posts/s")

    categories = {c for r in responses for c in r.categories}
    labelled = [(post, reason) for post, (_, reason) in zip(posts, tweets, strict=True)]
    labelled = [(post, reason) for post, reason in labelled if reason in categories]
    report_fit("by text alone", responses, labelled)
    lanes = compile_lanes(shipped_lane_config("airline"))
    with_lanes = []
    for post, reason in labelled:
        decision = decide_lane(lanes, PostFacts(text=post.text, network="twitter"))
        filed = tuple(category.name for category in decision.categories)
        with_lanes.append(
            (PostToAnswer(post.text, "twitter", lane=decision.lane, categories=filed), reason)
        )
    report_fit("with the lanes' categories", responses, with_lanes)


def report_fit(
    label: str, responses: list[ResponseToMatch], labelled: list[tuple[PostToAnswer, str]]
) -> None:
    """How often the best suggestion is tagged with the tweet's labelled reason."""
    fits = 0
    suggested = 0
    for post, reason in labelled:
        matches = best_responses(responses, post, limit=1)
        if matches:
            suggested += 1
            fits += reason in responses[matches[0].response_id].categories
    share = fits / len(labelled) if labelled else 0.0
    print(
        f"  best suggestion tagged with the tweet's reason, {label}: {fits:,} of "
        f"{len(labelled):,} labelled tweets ({share:.1%}); {suggested:,} got a suggestion"
    )


if __name__ == "__main__":
    main()
