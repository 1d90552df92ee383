"""Reading YAML so that every value keeps its place in the file.

The text is composed into nodes, not loaded into Python values, and read through a
`NodeReader`, which records each problem with the node's line and column and the field
path that leads to it (`lanes[1].categories[0].name`), and carries on: a file's problems
are all reported at once.
"""

import difflib
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from carelane.config_files.problems import ConfigFileError, ConfigProblem

T = TypeVar("T")
MAX_NAME_CHARS = 100
"""Longest name of anything a configuration file names (a lane, a team, a calendar …)."""

FieldPath = tuple[str | int, ...]
"""Keys and list positions from the document's root to a value."""
_TAG = "tag:yaml.org,2002:"
_KINDS = {
    f"{_TAG}null": "empty",
    f"{_TAG}bool": "true/false",
    f"{_TAG}int": "a number",
    f"{_TAG}float": "a decimal number",
}


def field_path(path: FieldPath) -> str:
    """`("lanes", 1, "categories", 0, "name")` as `lanes[1].categories[0].name`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "document"


def kind_of(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return _KINDS.get(node.tag, "a text")


def is_empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == f"{_TAG}null"


class NodeReader:
    """Reads composed YAML nodes of one source, collecting problems as it goes."""

    error: type[ConfigFileError] = ConfigFileError
    """What `compose` and `raise_problems` raise; a file's own kind of error."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[ConfigProblem] = []
        self.constructor = SafeConstructor()

    def problem(self, node: Node, path: FieldPath, message: str, column_offset: int = 0) -> None:
        mark = node.start_mark
        self.problems.append(
            ConfigProblem(
                self.source,
                mark.line + 1,
                mark.column + 1 + column_offset,
                field_path(path),
                message,
            )
        )

    def compose(self, text: str) -> Node | None:
        """The text's document as nodes (None when empty); raises `error` on a YAML error."""
        try:
            node: Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            raise self.error([self._syntax_problem(error)]) from None
        except yaml.YAMLError as error:  # the reader's: a character YAML does not allow
            raise self.error([self._reader_problem(text, error)]) from None
        return node

    def read(
        self,
        text: str,
        fields: Mapping[str, bool],
        version: int,
        build: Callable[[dict[str, Node]], T | None],
    ) -> T:
        """What `build` makes of the document's root fields (`fields`: which are required),
        its `version` checked to be `version`; raises `error` with every problem found."""
        expected = ", ".join(name for name, required in fields.items() if required)
        root = self.compose(text)
        if root is None:
            self.problems.append(
                ConfigProblem(self.source, 1, 1, "document", f"is empty; expected {expected}")
            )
        found = (
            self.mapping(root, (), fields, f"a mapping of {expected}") if root is not None else None
        )
        if found is not None and "version" in found:
            given = self.number(found["version"], ("version",), whole=True)
            if given is not None and given != version:
                self.problem(
                    found["version"],
                    ("version",),
                    f"{given} is not supported; this carelane reads version {version}",
                )
        built = build(found) if found is not None else None
        self.raise_problems()
        if built is None:  # pragma: no cover - nothing built means a problem was found
            raise self.error(self.problems)
        return built

    def raise_problems(self) -> None:
        """Raise `error` with every problem found, in file order, if there are any."""
        if self.problems:
            raise self.error(sorted(self.problems, key=lambda p: (p.line, p.column)))

    def _syntax_problem(self, error: yaml.MarkedYAMLError) -> ConfigProblem:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem, context = error.problem, error.context
        message = problem or context or "is not valid YAML"
        if problem and context:
            joined = problem.startswith("but ")
            message = f"{context}, {problem}" if joined else f"{problem} ({context})"
        return ConfigProblem(self.source, line, column, "yaml", message)

    def _reader_problem(self, text: str, error: yaml.YAMLError) -> ConfigProblem:
        position = int(getattr(error, "position", 0) or 0)
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        character = getattr(error, "character", None)  # the code point, an int
        what = f"character U+{character:04X}" if isinstance(character, int) else "a character"
        return ConfigProblem(self.source, line, column, "yaml", f"{what} is not allowed")

    # -- shapes --------------------------------------------------------------------------

    def mapping(
        self, node: Node, path: FieldPath, fields: Mapping[str, bool], what: str
    ) -> dict[str, Node] | None:
        """The mapping's values by key; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, MappingNode):
            self.problem(node, path, f"must be {what}, not {kind_of(node)}")
            return None
        values: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or is_empty(key_node):
                self.problem(key_node, path, f"a key must be a field name, not {kind_of(key_node)}")
                continue
            key = str(key_node.value)
            if key not in fields:
                close = difflib.get_close_matches(key, list(fields), n=1)
                hint = f"did you mean {close[0]!r}?" if close else "expected " + ", ".join(fields)
                self.problem(key_node, (*path, key), f"unknown field; {hint}")
            elif key in values:
                self.problem(
                    key_node, (*path, key), f"appears twice; it is first on line {first_line[key]}"
                )
            else:
                values[key] = value_node
                first_line[key] = key_node.start_mark.line + 1
        for key, required in fields.items():
            if required and key not in values:
                self.problem(node, (*path, key), "is required")
        return values

    def items(
        self, node: Node, path: FieldPath, what: str, *, allow_empty: bool = False
    ) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.problem(node, path, f"must be a list of {what}, not {kind_of(node)}")
            return []
        if not node.value and not allow_empty:
            self.problem(node, path, f"must list at least one of {what}")
        return list(node.value)

    def text(self, node: Node, path: FieldPath, *, max_chars: int | None = None) -> str | None:
        if not isinstance(node, ScalarNode) or is_empty(node):
            self.problem(node, path, f"must be a text, not {kind_of(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, path, "must not be empty")
            return None
        if max_chars is not None and len(value) > max_chars:
            self.problem(node, path, f"is {len(value):,} characters; the limit is {max_chars:,}")
            return None
        return value

    def optional_text(self, node: Node | None, path: FieldPath) -> str | None:
        if node is None or is_empty(node):
            return None
        return self.text(node, path)

    def texts(self, node: Node, path: FieldPath, what: str) -> list[tuple[str, Node, FieldPath]]:
        found = []
        for index, item in enumerate(self.items(node, path, what)):
            value = self.text(item, (*path, index))
            if value is not None:
                found.append((value, item, (*path, index)))
        return found

    def number(self, node: Node, path: FieldPath, *, whole: bool) -> float | int | None:
        tags = (f"{_TAG}int",) if whole else (f"{_TAG}int", f"{_TAG}float")
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            kind = "a whole number" if whole else "a number"
            self.problem(node, path, f"must be {kind}, not {kind_of(node)}")
            return None
        value: Any = self.constructor.construct_object(node)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(node, path, "must be a finite number")
            return None
        return int(value) if whole else float(value)

    def whole(self, node: Node, path: FieldPath, low: int, high: int) -> int | None:
        value = self.number(node, path, whole=True)
        if value is not None and not low <= value <= high:
            self.problem(node, path, f"{value} is out of range; give {low:,} to {high:,}")
            return None
        return None if value is None else int(value)

    def unique_name(
        self,
        node: Node | None,
        path: FieldPath,
        seen: dict[str, int],
        what: str,
        *,
        max_chars: int = MAX_NAME_CHARS,
    ) -> str | None:
        """A name no other `what` in `seen` (folded name -> line) has, case aside."""
        if node is None:
            return None
        name = self.text(node, path, max_chars=max_chars)
        if name is None:
            return None
        if name.casefold() in seen:
            self.problem(
                node, path, f"{what} {name!r} is already defined on line {seen[name.casefold()]}"
            )
            return None
        seen[name.casefold()] = node.start_mark.line + 1
        return name

    def choice(self, node: Node, path: FieldPath, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, path)
        if value is not None and value not in choices:
            self.problem(node, path, f"{value!r} is not one of {', '.join(choices)}")
            return None
        return value


def offset_in(node: ScalarNode, position: int) -> int:
    """Columns from the node's start to character `position` of its value, when the value
    stands on one line as written (plain or quoted without escapes); else 0."""
    start, end = node.start_mark, node.end_mark
    quote = 1 if node.style in ("'", '"') else 0
    written = end.column - start.column
    if node.style not in (None, "'", '"') or start.line != end.line:
        return 0
    if written != len(str(node.value)) + 2 * quote:
        return 0
    return quote + position
