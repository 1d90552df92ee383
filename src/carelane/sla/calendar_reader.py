"""Reading the calendars of a service-levels file (see `config_file`): each calendar's
name, time zone, weekly hours and holidays, with every problem at its line and field."""

import difflib
from datetime import date
from zoneinfo import available_timezones

from yaml.nodes import MappingNode, Node, ScalarNode

from carelane.config_files.yaml_nodes import FieldPath, NodeReader, is_empty, kind_of
from carelane.sla.calendar_notation import parse_holidays, parse_hours, parse_weekdays
from carelane.sla.calendars import ALWAYS_OPEN, BusinessCalendar, OpeningHours, load_zone
from carelane.sla.calendars import overlapping_hours as overlapping

ALWAYS_OPEN_WORDS = ("24/7",)
_CALENDAR_FIELDS = {"name": True, "time_zone": True, "hours": True, "holidays": False}


class CalendarReader(NodeReader):
    """Reads `calendars` and names; the file's reader adds the rest of the schema."""

    def calendars(self, node: Node, names: dict[str, str]) -> list[BusinessCalendar]:
        calendars = []
        lines: dict[str, int] = {}
        for index, item in enumerate(self.items(node, ("calendars",), "calendars")):
            calendar = self.calendar(item, ("calendars", index), names, lines)
            if calendar is not None:
                calendars.append(calendar)
        return calendars

    def calendar(
        self, node: Node, path: FieldPath, names: dict[str, str], lines: dict[str, int]
    ) -> BusinessCalendar | None:
        before = len(self.problems)
        fields = self.mapping(node, path, _CALENDAR_FIELDS, "a calendar (a mapping with a name)")
        if fields is None:
            return None
        name = self.unique_name(fields.get("name"), (*path, "name"), lines, "calendar")
        if name is not None:
            names[name.casefold()] = name
        zone = (
            self.zone(fields["time_zone"], (*path, "time_zone")) if "time_zone" in fields else None
        )
        hours = self.hours(fields["hours"], (*path, "hours")) if "hours" in fields else ()
        holidays = self.holidays(fields.get("holidays"), (*path, "holidays"))
        if len(self.problems) > before or name is None or zone is None:
            return None
        return BusinessCalendar(name, zone, hours, frozenset(holidays))

    def zone(self, node: Node, path: FieldPath) -> str | None:
        name = self.text(node, path)
        if name is None:
            return None
        try:
            load_zone(name)
        except ValueError as error:
            close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "give one like Europe/London"
            self.problem(node, path, f"{error}; {hint}")
            return None
        return name

    def hours(self, node: Node, path: FieldPath) -> tuple[OpeningHours, ...]:
        if isinstance(node, ScalarNode) and str(node.value).strip() in ALWAYS_OPEN_WORDS:
            return ALWAYS_OPEN
        if not isinstance(node, MappingNode):
            self.problem(
                node,
                path,
                f"must be 24/7 or a mapping of weekdays to opening hours, not {kind_of(node)}",
            )
            return ()
        before = len(self.problems)
        written: list[tuple[OpeningHours, Node, FieldPath]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or is_empty(key_node):
                self.problem(key_node, path, f"a key must be weekdays, not {kind_of(key_node)}")
                continue
            key = str(key_node.value).strip()
            try:
                weekdays = parse_weekdays(key)
            except ValueError as error:
                self.problem(key_node, (*path, key), str(error))
                continue
            for interval_node, interval_path in self.intervals(value_node, (*path, key)):
                interval = self.text(interval_node, interval_path)
                if interval is None:
                    continue
                try:
                    opens, closes = parse_hours(interval)
                except ValueError as error:
                    self.problem(interval_node, interval_path, str(error))
                    continue
                written.extend(
                    (OpeningHours(day, opens, closes), interval_node, interval_path)
                    for day in weekdays
                )
        self.overlaps(written)
        if not written and len(self.problems) == before:
            self.problem(node, path, "has no opening hours; write 24/7 or at least one interval")
        return tuple(hours for hours, _, _ in written)

    def intervals(self, node: Node, path: FieldPath) -> list[tuple[Node, FieldPath]]:
        if isinstance(node, ScalarNode) and not is_empty(node):
            return [(node, path)]
        items = self.items(node, path, "opening hours like 08:00-18:00", allow_empty=True)
        return [(item, (*path, index)) for index, item in enumerate(items)]

    def overlaps(self, written: list[tuple[OpeningHours, Node, FieldPath]]) -> None:
        """A problem at the later of each two written intervals that overlap, once per two."""
        reported: set[tuple[int, int]] = set()
        for first, second in overlapping(hours for hours, _, _ in written):
            earlier, earlier_node, _ = written[first]
            later, later_node, later_path = written[second]
            if (id(earlier_node), id(later_node)) in reported:
                continue
            reported.add((id(earlier_node), id(later_node)))
            line = earlier_node.start_mark.line + 1
            self.problem(later_node, later_path, f"{later} overlaps {earlier} (line {line})")

    def holidays(self, node: Node | None, path: FieldPath) -> set[date]:
        days: set[date] = set()
        if node is None:
            return days
        for index, item in enumerate(self.items(node, path, "dates", allow_empty=True)):
            text = self.text(item, (*path, index))
            if text is None:
                continue
            try:
                days.update(parse_holidays(text))
            except ValueError as error:
                self.problem(item, (*path, index), str(error))
        return days
