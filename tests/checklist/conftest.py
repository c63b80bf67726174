"""Fixtures for the checklist core tests (plain Python: no app, no database)."""
import copy

import pytest

from inspections.checklist import default_target_set, default_template

MINIMAL = {
    "key": "mini",
    "version": 1,
    "title_vi": "Phiếu thử",
    "title_en": "Test checklist",
    "sections": [
        {"code": "A", "title_vi": "Phần A", "title_en": "Part A", "items": [
            {"code": "A1", "type": "ynp", "label_vi": "Có kế hoạch", "label_en": "Plan"},
            {"code": "A2", "type": "mf", "label_vi": "Cán bộ", "label_en": "Staff"},
            {"code": "A3", "type": "mf", "label_vi": "Lãnh đạo", "label_en": "Leaders",
             "subset_of": "A2"},
        ]},
        {"code": "B", "title_vi": "Phần B", "title_en": "Part B", "items": [
            {"code": "B1", "type": "int", "label_vi": "Số vụ", "label_en": "Cases",
             "applies_to": ["district", "commune"]},
            {"code": "B1_helped", "type": "int", "label_vi": "Được hỗ trợ", "label_en": "Helped",
             "applies_to": ["district", "commune"], "subset_of": "B1"},
        ]},
    ],
    "indicators": [
        {"code": "I1", "unit": "%", "formula": "share(A2)", "label_vi": "Tỷ lệ nữ",
         "label_en": "Women"},
        {"code": "I2", "unit": "yes/no", "formula": "female(A3) >= 1",
         "label_vi": "Có lãnh đạo nữ", "label_en": "Has a woman leader"},
    ],
}


@pytest.fixture
def data():
    """A fresh copy of a small, valid template as plain data (edit it freely)."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture(scope="session")
def template():
    return default_template()


@pytest.fixture(scope="session")
def target_set():
    return default_target_set()
