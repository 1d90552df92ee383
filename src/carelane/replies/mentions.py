"""@mentions in internal notes, resolved to the workspace's agents: pure.

An agent is mentioned by the part of their email before the `@` (`@ana.ruiz` for
ana.ruiz@example.com), by their name with dots for spaces (`@ana.ruiz` for Ana Ruiz,
accents and case ignored), or by their first name alone when no other agent of the
workspace has it (`@ana`). An email address in the text is not a mention.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_MENTION = re.compile(r"(?<![\w@.+-])@([\w][\w.'-]*)")
_TRAILING = ".-'"


@dataclass(frozen=True, slots=True)
class MentionableAgent:
    id: int
    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class Mention:
    """`@handle` at `text[start:end]`, and the agents it may name: one when it names an
    agent, none when nobody, several when it is ambiguous."""

    handle: str
    start: int
    end: int
    agent_ids: tuple[int, ...]

    @property
    def agent_id(self) -> int | None:
        return self.agent_ids[0] if len(self.agent_ids) == 1 else None


def _plain(text: str) -> str:
    """Lower case without accents: how handles are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def handles_of(agent: MentionableAgent) -> set[str]:
    """Every handle that names `agent` for certain (not the first name: see above)."""
    handles = {".".join(_plain(agent.name).split())}
    if agent.email and "@" in agent.email:
        handles.add(_plain(agent.email.split("@", 1)[0]))
    return {handle for handle in handles if handle}


def find_mentions(text: str, agents: Sequence[MentionableAgent]) -> list[Mention]:
    """Every @mention of `text` in order, each with the agent it names, if any."""
    by_handle: dict[str, set[int]] = {}
    by_first_name: dict[str, set[int]] = {}
    for agent in agents:
        for handle in handles_of(agent):
            by_handle.setdefault(handle, set()).add(agent.id)
        first = _plain(agent.name).split()
        if first:
            by_first_name.setdefault(first[0], set()).add(agent.id)
    mentions = []
    for match in _MENTION.finditer(text):
        handle = match.group(1).rstrip(_TRAILING)
        key = _plain(handle)
        named = by_handle.get(key) or by_first_name.get(key) or set()
        start = match.start()
        mentions.append(Mention(handle, start, start + 1 + len(handle), tuple(sorted(named))))
    return mentions
