"""Quality: agents' certification levels, the rules that send a reply for approval before
it goes out or for review after, the review queue, scorecards and promotions."""
