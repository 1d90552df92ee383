"""Canned responses that ship with carelane (`canned_airline.yaml`), read and checked
as a canned-responses file."""

from importlib.resources import files

import yaml
from pydantic import ValidationError

from carelane.domain.errors import FieldError, InvalidInputError
from carelane.responses.schemas import CannedResponseIn
from carelane.responses.service import check_response_text

SHIPPED = {"airline": "canned_airline.yaml"}


def read_canned_responses(text: str, source: str) -> list[CannedResponseIn]:
    """The responses of a canned-responses file (`version: 1`, `responses: [...]`);
    InvalidInputError naming each problem as `SOURCE: responses[N].field`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInputError([FieldError(source, f"not YAML: {error}")]) from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InvalidInputError([FieldError(source, "a mapping with version: 1 and responses")])
    items = data.get("responses")
    if not isinstance(items, list):
        raise InvalidInputError([FieldError(f"{source}: responses", "a list of responses")])
    responses = []
    problems: list[FieldError] = []
    for number, item in enumerate(items):
        where = f"{source}: responses[{number}]"
        try:
            response = CannedResponseIn.model_validate(item)
            check_response_text(response.text)
        except ValidationError as error:
            problems.extend(
                FieldError(f"{where}.{'.'.join(map(str, e['loc']))}", e["msg"])
                for e in error.errors()
            )
            continue
        except InvalidInputError as error:
            problems.extend(FieldError(f"{where}.{e.field}", e.message) for e in error.errors)
            continue
        responses.append(response)
    if problems:
        raise InvalidInputError(problems)
    return responses


def shipped_canned_responses(name: str) -> list[CannedResponseIn]:
    """The canned responses shipped as `name` (`airline`)."""
    path = files("carelane.responses") / SHIPPED[name]
    return read_canned_responses(path.read_text(encoding="utf-8"), SHIPPED[name])
