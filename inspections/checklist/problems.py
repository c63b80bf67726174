"""Problems found in a checklist template or target set, and the error that carries them.

Every check in this package collects *all* problems it finds instead of stopping at the first,
so a coordinator fixing a template (YAML or Excel) sees the whole list in one go.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence, Union

PathPart = Union[str, int]
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a template: where it is and what is wrong.

    ``location`` is a path such as ``sections[2].items[3].type`` for YAML/JSON, or
    ``sheet items, row 7, column E (type)`` for Excel.
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class TemplateError(ValueError):
    """A template, target set or workbook could not be used; ``problems`` lists why."""

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found:"
        return "\n".join([head, *(f"- {problem}" for problem in self.problems)])


def format_path(path: Sequence[PathPart]) -> str:
    """Render ``("sections", 2, "items", 3, "type")`` as ``sections[2].items[3].type``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
