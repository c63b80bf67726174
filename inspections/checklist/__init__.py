"""The checklist core: templates, answers, indicators — plain Python, no Flask, no database.

Public API (import from ``inspections.checklist``):

* templates: :class:`Template` (``from_dict``/``to_dict``/``content_hash``, ``item``,
  ``items_for``, ``sections_for``), :func:`parse_template`, :func:`load_template`,
  :func:`default_template`, :func:`check_new_version`;
* targets: :class:`TargetSet`, :func:`parse_target_set`, :func:`load_target_set`,
  :func:`default_target_set`, :func:`check_targets`;
* Excel authoring: :func:`template_to_xlsx`, :func:`template_from_xlsx`;
* answers: :func:`validate_answers`, :func:`answers_from_form`, :class:`AnswerError`;
* indicators: :func:`unit_indicators`, :func:`rollup_indicators`, :class:`IndicatorRollup`,
  :class:`IndicatorResult`;
* errors: :class:`TemplateError` (``.problems``: list of :class:`Problem`).
"""
from .excel import template_from_xlsx, template_to_xlsx
from .form_input import answers_from_form
from .indicators import IndicatorResult, IndicatorRollup, rollup_indicators, unit_indicators
from .loader import (
                     default_target_set,
                     default_template,
                     load_target_set,
                     load_template,
                     parse_target_set,
                     parse_template,
                     template_v1,
)
from .messages import MF_PART_LABELS, STATUS_LABELS, UNIT_KIND_LABELS, YNP_LABELS
from .problems import Problem, TemplateError
from .schema import DEFAULT_UNIT_KINDS, INDICATOR_UNITS, ITEM_TYPES, YNP_VALUES, Indicator, Item, Section, Template
from .targets import Target, TargetSet, check_targets
from .validation import AnswerError, is_answered, validate_answers
from .versions import check_new_version

__all__ = [
    "AnswerError", "DEFAULT_UNIT_KINDS", "INDICATOR_UNITS", "ITEM_TYPES", "Indicator",
    "IndicatorResult", "IndicatorRollup", "Item", "MF_PART_LABELS", "Problem", "STATUS_LABELS",
    "Section", "Target", "TargetSet", "Template", "TemplateError", "UNIT_KIND_LABELS",
    "YNP_LABELS", "YNP_VALUES", "answers_from_form", "check_new_version", "check_targets",
    "default_target_set", "default_template", "template_v1", "is_answered", "load_target_set",
    "load_template", "parse_target_set", "parse_template", "rollup_indicators",
    "template_from_xlsx", "template_to_xlsx", "unit_indicators", "validate_answers",
]
