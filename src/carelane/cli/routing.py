"""The teams and service-levels files of `carelane workspaces configure`: read and checked
from disk with every problem printed by line, and what they made, printed."""

from collections.abc import Callable
from pathlib import Path

import typer

from carelane.cli.terminal import USAGE_ERROR, fail, out
from carelane.config_files.problems import ConfigFileError
from carelane.workspaces.schemas import RoutingOut, ServiceLevelsOut


def checked_file(path: Path, load: Callable[[Path], object]) -> bytes:
    """The bytes of a configuration file that `load` accepts; exit 2 if it cannot be read,
    1 with each problem printed as FILE:LINE:COL: field: message if `load` refuses it."""
    if not path.is_file():
        fail(f"no such file: {path}", USAGE_ERROR)
    try:
        data = path.read_bytes()
        load(path)
    except OSError as error:
        fail(f"{path}: {error.strerror or error}", USAGE_ERROR)
    except ConfigFileError as error:
        console = out()
        for problem in error.problems:
            console.print(str(problem))
        raise typer.Exit(1) from None
    return data


def print_routing(routing: RoutingOut) -> None:
    console = out()
    console.print(
        f"Workspace {routing.workspace} routes to {len(routing.teams)} teams "
        f"and {len(routing.agents)} agents:"
    )
    for team in routing.teams:
        backups = f"; backs up {', '.join(team.backup_lanes)}" if team.backup_lanes else ""
        lanes = ", ".join(team.lanes) or "no lane"
        console.print(f"  {team.name} (tier {team.tier}): {lanes}{backups}")


def print_service_levels(levels: ServiceLevelsOut) -> None:
    console = out()
    source = "the shipped service levels" if levels.shipped_default else "its own service levels"
    console.print(f"Workspace {levels.workspace} answers to {source}:")
    for policy in levels.policies:
        resolution = f", resolution {policy.resolution}" if policy.resolution else ""
        console.print(
            f"  {policy.name}: first response {policy.first_response}, next response "
            f"{policy.next_response}{resolution} ({policy.calendar})"
        )
