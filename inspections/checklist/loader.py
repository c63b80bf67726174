"""Reading templates and target sets from YAML or JSON, and the ones shipped with the app.

YAML is read with a safe loader that (unlike plain ``yaml.safe_load``) keeps ``yes``, ``no``,
``on`` and ``off`` as text — so ``choices: [yes, no, na]`` means what staff expect — and
reports a key written twice in the same mapping instead of silently keeping the last one.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any, Union

import yaml

from .problems import Problem, TemplateError
from .schema import Template
from .targets import TargetSet

DATA_DIR = FilePath(__file__).parent / "data"
#: The checklist a new campaign gets: version 2 (2026). Version 1 stays for old campaigns.
DEFAULT_TEMPLATE_FILE = DATA_DIR / "gender_equality_v2.yaml"
TEMPLATE_V1_FILE = DATA_DIR / "gender_equality.yaml"
DEFAULT_TARGET_SET_FILE = DATA_DIR / "targets_2021_2030.yaml"
MAX_SOURCE_BYTES = 5 * 1024 * 1024

_BOOL_TAG = "tag:yaml.org,2002:bool"


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans (true/false only) and duplicate-key detection."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # let the base class raise its usual error
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in the same mapping "
                                f"(line {mark.line + 1})", mark)
            seen[key] = True
        return super().construct_mapping(node, deep=deep)


_StrictSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictSafeLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def read_data(text: Union[str, bytes], fmt: str = "yaml") -> Any:
    """Parse YAML (``fmt="yaml"``) or JSON text; syntax errors become a :class:`TemplateError`."""
    if isinstance(text, bytes):
        if len(text) > MAX_SOURCE_BYTES:
            raise TemplateError(Problem("file", f"larger than {MAX_SOURCE_BYTES} bytes"))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TemplateError(Problem("file", f"not UTF-8 text ({exc.reason} at byte "
                                                f"{exc.start})")) from None
    if len(text) > MAX_SOURCE_BYTES:
        raise TemplateError(Problem("file", f"larger than {MAX_SOURCE_BYTES} characters"))
    if fmt == "json":
        def no_duplicates(pairs):
            out = {}
            for key, value in pairs:
                if key in out:
                    raise ValueError(f"key {key!r} appears twice in the same object")
                out[key] = value
            return out
        try:
            return json.loads(text, object_pairs_hook=no_duplicates)
        except json.JSONDecodeError as exc:
            raise TemplateError(Problem(f"line {exc.lineno}, column {exc.colno}",
                                        f"not valid JSON: {exc.msg}")) from None
        except (ValueError, RecursionError) as exc:
            raise TemplateError(Problem("file", f"not usable JSON: {exc}")) from None
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}; use 'yaml' or 'json'")
    try:
        return yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        raise TemplateError(Problem(where, f"not valid YAML: {exc.problem or exc}")) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise TemplateError(Problem("file", f"not valid YAML: {exc}")) from None


def _format_of(path: Union[str, os.PathLike]) -> str:
    suffix = FilePath(path).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise TemplateError(Problem(str(path), "use a .yaml, .yml or .json file "
                                           "(Excel: template_from_xlsx)"))


def parse_template(text: Union[str, bytes], fmt: str = "yaml") -> Template:
    """A template from YAML or JSON text."""
    return Template.from_dict(read_data(text, fmt))


def parse_target_set(text: Union[str, bytes], fmt: str = "yaml") -> TargetSet:
    """A target set from YAML or JSON text."""
    return TargetSet.from_dict(read_data(text, fmt))


def load_template(path: Union[str, os.PathLike]) -> Template:
    """A template from a ``.yaml``/``.yml``/``.json`` file."""
    return parse_template(FilePath(path).read_bytes(), _format_of(path))


def load_target_set(path: Union[str, os.PathLike]) -> TargetSet:
    """A target set from a ``.yaml``/``.yml``/``.json`` file."""
    return parse_target_set(FilePath(path).read_bytes(), _format_of(path))


@lru_cache(maxsize=None)
def default_template() -> Template:
    """The shipped gender-equality checklist (``gender_equality`` v2, 2026). Immutable; cached."""
    return load_template(DEFAULT_TEMPLATE_FILE)


@lru_cache(maxsize=None)
def template_v1() -> Template:
    """The first shipped checklist (``gender_equality`` v1), kept for the campaigns using it."""
    return load_template(TEMPLATE_V1_FILE)


@lru_cache(maxsize=None)
def default_target_set() -> TargetSet:
    """The shipped 2021-2030 targets (``ncgs_2021_2030`` v2). Immutable; cached."""
    return load_target_set(DEFAULT_TARGET_SET_FILE)
