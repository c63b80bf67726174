"""Hypothesis strategies: answers that a correct client could send for a template."""
from datetime import date, timedelta

from hypothesis import strategies as st

from inspections.checklist.schema import YNP_VALUES

TODAY = date(2024, 11, 20)
COUNT = st.integers(min_value=0, max_value=5000)


def _value(item):
    if item.type == "ynp":
        return st.sampled_from(item.allowed_values)
    if item.type == "mf":
        return st.fixed_dictionaries({"male": COUNT, "female": COUNT})
    if item.type in ("int", "money"):
        return st.integers(min_value=item.min or 0, max_value=item.max or 10**6)
    if item.type == "date":
        return st.dates(date(2000, 1, 1), TODAY + timedelta(days=365)).map(date.isoformat)
    if item.type == "text":
        return st.text(max_size=80)
    return st.lists(st.uuids().map(str), max_size=3, unique=True)  # file


@st.composite
def valid_answers(draw, template, unit_kind):
    """Answers (some items left out) that validate cleanly, subsets within their wholes."""
    answers = {}
    items = template.items_for(unit_kind)
    for item in sorted(items, key=lambda i: i.subset_of is not None):  # wholes first
        if not draw(st.booleans()):
            continue
        whole = answers.get(item.subset_of) if item.subset_of else None
        if whole is not None and item.type == "mf":
            answers[item.code] = {part: draw(st.integers(0, whole[part]))
                                  for part in ("male", "female")}
        elif whole is not None:
            answers[item.code] = draw(st.integers(0, whole))
        else:
            answers[item.code] = draw(_value(item))
    return answers


UNIT_KINDS = st.sampled_from(["department", "commune"])  # the unit kinds of checklist v2
assert YNP_VALUES == ("yes", "partial", "no", "na")
