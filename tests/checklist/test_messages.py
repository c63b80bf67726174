"""The words users read: every message exists in Vietnamese and English."""
import string

from inspections.checklist.messages import ANSWER_MESSAGES, STATUS_LABELS, UNIT_KIND_LABELS, YNP_LABELS, label, message


def test_every_message_has_both_languages_with_the_same_placeholders():
    for key, texts in ANSWER_MESSAGES.items():
        assert set(texts) == {"vi", "en"}, key
        fields = [{name for _, name, _, _ in string.Formatter().parse(text) if name}
                  for text in texts.values()]
        assert fields[0] == fields[1], key


def test_labels():
    assert label(YNP_LABELS, "partial", "vi") == "Một phần"
    assert label(YNP_LABELS, "na", "en") == "Not applicable"
    assert label(STATUS_LABELS, "not_met", "vi") == "Không đạt"
    assert label(UNIT_KIND_LABELS, "ward", "vi") == "ward"  # unknown kinds show as they are
    assert message("required", "en-GB") == "This item is required."
