"""Reading a lanes file (YAML, see `lane_config`) into a `LaneConfig`, with every problem
named by line, column and field path.

The YAML is composed, not loaded, so each value keeps its node and the node its place in
the file; the schema is then checked by walking the nodes. Every problem is collected
before one `LaneConfigError` is raised. Unknown fields get a "did you mean" when one is
close, because a misspelt condition silently ignored would route posts wrongly.
"""

from pathlib import Path
from typing import Any

from yaml.nodes import Node, ScalarNode, SequenceNode

from carelane.config_files.decoding import config_text
from carelane.config_files.yaml_nodes import FieldPath, NodeReader, is_empty, kind_of, offset_in
from carelane.domain.posts import MAX_FOLLOWERS, MAX_TEXT_CHARS
from carelane.triage.lane_config import (
    CHANNEL_KINDS,
    DEFAULT_SIMILARITY,
    INTENTS,
    MAX_EXAMPLES,
    MAX_PRIORITY_BOOST,
    MIN_EXAMPLES,
    NETWORKS,
    SENTIMENTS,
    SUPPORTED_VERSION,
    Category,
    Combine,
    LaneAudience,
    LaneConfig,
    LaneConfigError,
    RuleSet,
    SwimLane,
)
from carelane.triage.queries import QueryNode, QuerySyntaxError, Term, parse_query, parse_term
from carelane.triage.terms import fold, is_tag


def load_lane_config(text: str, *, source: str = "<string>") -> LaneConfig:
    """The swim lanes a YAML text defines; raises LaneConfigError listing every problem,
    each naming `source`, line, column and field."""
    return _Loader(source).load(text)


def load_lane_config_file(path: str | Path) -> LaneConfig:
    """The swim lanes of a YAML file; OSError if it cannot be read, LaneConfigError if it
    is not a valid lanes file (undecodable UTF-8 included)."""
    path = Path(path)
    text = config_text(path.read_bytes(), str(path), error=LaneConfigError)
    return load_lane_config(text, source=str(path))


_ROOT_FIELDS = {"version": True, "default_lane": True, "lanes": True}
_LANE_FIELDS = {"name": True, "description": False, "audience": False, "categories": False}
_CATEGORY_FIELDS = {
    "name": True,
    "description": False,
    "priority_boost": False,
    "match": False,
    "examples": False,
    "similarity": False,
    "combine": False,
}
_CHOICES = {
    "networks": NETWORKS,
    "channel_kinds": CHANNEL_KINDS,
    "intents": INTENTS,
    "sentiments": SENTIMENTS,
}
_RULE_FIELDS = dict.fromkeys(
    (
        "keywords",
        "query",
        "hashtags",
        "authors",
        "channels",
        "networks",
        "channel_kinds",
        "intents",
        "sentiments",
        "min_followers",
    ),
    False,
)


class _Loader(NodeReader):
    """The lanes schema, read node by node."""

    error = LaneConfigError

    def load(self, text: str) -> LaneConfig:
        return self.read(text, _ROOT_FIELDS, SUPPORTED_VERSION, self.root)

    # -- the schema ----------------------------------------------------------------------

    def root(self, fields: dict[str, Node]) -> LaneConfig | None:
        lanes = self.lanes(fields["lanes"]) if "lanes" in fields else []
        default_lane = self.default_lane(fields.get("default_lane"), lanes)
        if default_lane is None:
            return None
        return LaneConfig(default_lane=default_lane, lanes=tuple(lanes), source=self.source)

    def default_lane(self, node: Node | None, lanes: list[SwimLane]) -> str | None:
        if node is None:
            return None
        name = self.text(node, ("default_lane",))
        if name is None:
            return None
        known = {lane.name.casefold(): lane.name for lane in lanes}
        if name.casefold() in known:
            return known[name.casefold()]
        if lanes or not self.problems:
            names = ", ".join(lane.name for lane in lanes) or "none"
            self.problem(node, ("default_lane",), f"{name!r} is not a lane; the lanes are {names}")
        return None

    def lanes(self, node: Node) -> list[SwimLane]:
        lanes: list[SwimLane] = []
        lane_lines: dict[str, int] = {}
        category_lines: dict[str, int] = {}
        for index, item in enumerate(self.items(node, ("lanes",), "lanes")):
            path: FieldPath = ("lanes", index)
            fields = self.mapping(item, path, _LANE_FIELDS, "a lane (a mapping with a name)")
            if fields is None:
                continue
            name = self.unique_name(fields.get("name"), (*path, "name"), lane_lines, "lane")
            categories = []
            if "categories" in fields:
                items = self.items(
                    fields["categories"], (*path, "categories"), "categories", allow_empty=True
                )
                for position, category_node in enumerate(items):
                    category = self.category(
                        category_node, (*path, "categories", position), name, category_lines
                    )
                    if category is not None:
                        categories.append(category)
            description = self.optional_text(fields.get("description"), (*path, "description"))
            audience = LaneAudience.CUSTOMER_SERVICE
            if "audience" in fields:
                value = self.choice(fields["audience"], (*path, "audience"), tuple(LaneAudience))
                audience = LaneAudience(value) if value is not None else audience
            if name is not None:
                lanes.append(SwimLane(name, tuple(categories), description, audience))
        return lanes

    def category(
        self, node: Node, path: FieldPath, lane: str | None, seen: dict[str, int]
    ) -> Category | None:
        fields = self.mapping(node, path, _CATEGORY_FIELDS, "a category (a mapping with a name)")
        if fields is None:
            return None
        name = self.unique_name(fields.get("name"), (*path, "name"), seen, "category")
        rules = self.rules(fields["match"], (*path, "match")) if "match" in fields else ()
        examples = (
            self.examples(fields["examples"], (*path, "examples")) if "examples" in fields else ()
        )
        similarity = DEFAULT_SIMILARITY
        if "similarity" in fields:
            similarity = self.similarity(
                fields["similarity"], (*path, "similarity"), "examples" in fields
            )
        combine = Combine.ANY
        if "combine" in fields:
            combine = self.combine(
                fields["combine"], (*path, "combine"), "match" in fields and "examples" in fields
            )
        if "match" not in fields and "examples" not in fields:
            self.problem(node, path, "needs match, examples or both to say which posts it takes")
        boost = 0
        if "priority_boost" in fields:
            boost = (
                self.whole(
                    fields["priority_boost"],
                    (*path, "priority_boost"),
                    -MAX_PRIORITY_BOOST,
                    MAX_PRIORITY_BOOST,
                )
                or 0
            )
        description = self.optional_text(fields.get("description"), (*path, "description"))
        if name is None or lane is None:
            return None
        return Category(
            name=name,
            lane=lane,
            rules=rules,
            examples=examples,
            similarity=similarity,
            combine=combine,
            priority_boost=boost,
            description=description,
        )

    def similarity(self, node: Node, path: FieldPath, has_examples: bool) -> float:
        value = self.number(node, path, whole=False)
        if not has_examples:
            self.problem(node, path, "applies to examples, and this category has none")
        if value is not None and not 0.0 < value <= 1.0:
            self.problem(node, path, f"{value} is out of range; give more than 0 and at most 1")
            return DEFAULT_SIMILARITY
        return DEFAULT_SIMILARITY if value is None else float(value)

    def combine(self, node: Node, path: FieldPath, has_both: bool) -> Combine:
        value = self.choice(node, path, tuple(Combine))
        if not has_both:
            self.problem(node, path, "says how match and examples combine; give both, or drop it")
        return Combine(value) if value is not None else Combine.ANY

    def examples(self, node: Node, path: FieldPath) -> tuple[str, ...]:
        found = self.texts(node, path, "example posts")
        if isinstance(node, SequenceNode) and not MIN_EXAMPLES <= len(node.value) <= MAX_EXAMPLES:
            self.problem(
                node,
                path,
                f"has {len(node.value)} example posts; give {MIN_EXAMPLES} to {MAX_EXAMPLES}",
            )
        seen: dict[str, int] = {}
        texts = []
        for value, item, item_path in found:
            if len(value) > MAX_TEXT_CHARS:
                self.problem(item, item_path, f"is longer than {MAX_TEXT_CHARS:,} characters")
                continue
            key = " ".join(fold(value).split())
            if key in seen:
                self.problem(item, item_path, f"repeats example {seen[key]}")
                continue
            seen[key] = len(seen) + 1
            texts.append(value)
        return tuple(texts)

    def rules(self, node: Node, path: FieldPath) -> tuple[RuleSet, ...]:
        if isinstance(node, SequenceNode):
            sets = [
                self.rule_set(item, (*path, index))
                for index, item in enumerate(self.items(node, path, "sets of conditions"))
            ]
            return tuple(rule_set for rule_set in sets if rule_set is not None)
        rule_set = self.rule_set(node, path)
        return () if rule_set is None else (rule_set,)

    def rule_set(self, node: Node, path: FieldPath) -> RuleSet | None:
        fields = self.mapping(
            node, path, _RULE_FIELDS, "a mapping of conditions, or a list of them"
        )
        if fields is None:
            return None
        if not fields:
            if not node.value:
                self.problem(
                    node, path, "has no conditions; give at least one of " + ", ".join(_RULE_FIELDS)
                )
            return None
        conditions = {
            key: self.condition(key, value, (*path, key)) for key, value in fields.items()
        }
        return RuleSet(**{key: value for key, value in conditions.items() if value is not None})

    def condition(self, key: str, node: Node, path: FieldPath) -> Any:
        """One condition's value as `RuleSet` holds it, or None when it has a problem."""
        if key == "keywords":
            return self.keywords(node, path)
        if key == "query":
            return self.query(node, path)
        if key == "hashtags":
            return self.tags(node, path)
        if key in ("authors", "channels"):
            return self.handles(node, path)
        if key == "min_followers":
            return self.whole(node, path, 0, MAX_FOLLOWERS)
        return self.choices(node, path, _CHOICES[key])

    def keywords(self, node: Node, path: FieldPath) -> tuple[Term, ...]:
        terms = []
        for value, item, item_path in self.texts(node, path, "keywords"):
            try:
                terms.append(parse_term(value))
            except QuerySyntaxError as error:
                self.problem(item, item_path, error.message)
        return tuple(terms)

    def query(self, node: Node, path: FieldPath) -> QueryNode | None:
        if not isinstance(node, ScalarNode) or is_empty(node):
            self.problem(node, path, f"must be a text, not {kind_of(node)}")
            return None
        value = str(node.value)
        try:
            return parse_query(value)
        except QuerySyntaxError as error:
            self.problem(node, path, str(error), offset_in(node, error.position))
            return None

    def tags(self, node: Node, path: FieldPath) -> tuple[str, ...]:
        tags = []
        for value, item, item_path in self.texts(node, path, "hashtags"):
            tag = fold(value.removeprefix("#"))
            if is_tag(tag):
                tags.append(tag)
            else:
                self.problem(item, item_path, f"{value!r} must be letters, digits or _ after '#'")
        return tuple(tags)

    def handles(self, node: Node, path: FieldPath) -> tuple[str, ...]:
        handles = []
        for value, item, item_path in self.texts(node, path, "handles"):
            handle = fold(value.removeprefix("@")).strip()
            if handle:
                handles.append(handle)
            else:
                self.problem(item, item_path, "must be a handle, not only '@'")
        return tuple(handles)

    def choices(self, node: Node, path: FieldPath, choices: tuple[str, ...]) -> tuple[str, ...]:
        values = []
        for index, item in enumerate(self.items(node, path, ", ".join(choices))):
            value = self.choice(item, (*path, index), choices)
            if value is not None:
                values.append(value)
        return tuple(values)
