"""User-facing words of the checklist core, in Vietnamese and English.

Answer errors are shown to inspectors on the form and returned by the JSON API, so they are
translated here (a small dictionary; the web layer's Babel catalogs cover the rest).
"""
from __future__ import annotations

from typing import Any

ANSWER_MESSAGES: dict[str, dict[str, str]] = {
    "answers_not_object": {
        "vi": "Câu trả lời phải là một bảng mã mục → giá trị.",
        "en": "Answers must be a mapping of item code to value."},
    "unknown_item": {
        "vi": "Mục {code} không có trong mẫu phiếu.",
        "en": "Item {code} is not in the checklist."},
    "too_many_unknown": {
        "vi": "Còn {count} mã mục khác không có trong mẫu phiếu.",
        "en": "{count} more item codes are not in the checklist."},
    "not_applicable": {
        "vi": "Mục này không áp dụng cho {unit_kind}.",
        "en": "This item does not apply to a {unit_kind}."},
    "ynp_invalid": {
        "vi": "Chọn một trong các giá trị: {choices}.",
        "en": "Choose one of: {choices}."},
    "mf_invalid": {
        "vi": "Cần hai số: nam và nữ.",
        "en": "Two numbers are needed: men and women."},
    "mf_part_missing": {
        "vi": "Nhập cả số nam và số nữ (ghi 0 nếu không có).",
        "en": "Enter both the number of men and of women (0 if none)."},
    "not_integer": {
        "vi": "Phải là số nguyên.",
        "en": "Must be a whole number."},
    "negative": {
        "vi": "Không được là số âm.",
        "en": "Must not be negative."},
    "below_min": {
        "vi": "Không được nhỏ hơn {min}.",
        "en": "Must be at least {min}."},
    "too_large": {
        "vi": "Con số quá lớn (tối đa {max}).",
        "en": "The number is too large (at most {max})."},
    "exceeds_whole": {
        "vi": "Không được lớn hơn số ở mục {whole} ({whole_label}): {value} > {limit}.",
        "en": "Cannot exceed item {whole} ({whole_label}): {value} > {limit}."},
    "date_invalid": {
        "vi": "Ngày phải theo dạng NNNN-TT-NN (ví dụ 2024-06-10).",
        "en": "The date must look like YYYY-MM-DD (e.g. 2024-06-10)."},
    "date_too_early": {
        "vi": "Ngày không được trước {min}.",
        "en": "The date cannot be before {min}."},
    "date_too_late": {
        "vi": "Ngày không được sau {max}.",
        "en": "The date cannot be after {max}."},
    "text_invalid": {
        "vi": "Phải là văn bản.",
        "en": "Must be text."},
    "text_too_long": {
        "vi": "Nội dung quá dài ({length}/{max} ký tự).",
        "en": "The text is too long ({length}/{max} characters)."},
    "files_invalid": {
        "vi": "Minh chứng phải là danh sách mã tệp đính kèm.",
        "en": "Evidence must be a list of attachment ids."},
    "file_id_invalid": {
        "vi": "Mã tệp đính kèm không hợp lệ: {value}.",
        "en": "Not a valid attachment id: {value}."},
    "file_duplicate": {
        "vi": "Tệp đính kèm {value} bị lặp lại.",
        "en": "Attachment {value} is listed twice."},
    "too_many_files": {
        "vi": "Quá nhiều tệp đính kèm (tối đa {max}).",
        "en": "Too many attachments (at most {max})."},
    "required": {
        "vi": "Mục bắt buộc chưa được trả lời.",
        "en": "This item is required."},
    "number_unparsable": {
        "vi": "Không đọc được số “{value}”.",
        "en": "“{value}” is not a number."},
    "date_unparsable": {
        "vi": "Không đọc được ngày “{value}” (dạng NNNN-TT-NN hoặc NN/TT/NNNN).",
        "en": "“{value}” is not a date (YYYY-MM-DD or DD/MM/YYYY)."},
}

YNP_LABELS = {
    "yes": {"vi": "Có", "en": "Yes"},
    "partial": {"vi": "Một phần", "en": "Partly"},
    "no": {"vi": "Không", "en": "No"},
    "na": {"vi": "Không áp dụng", "en": "Not applicable"},
}

MF_PART_LABELS = {"male": {"vi": "Nam", "en": "Men"}, "female": {"vi": "Nữ", "en": "Women"}}

UNIT_KIND_LABELS = {
    "department": {"vi": "sở, ban, ngành", "en": "provincial agency"},
    "district": {"vi": "đơn vị cấp huyện", "en": "district-level locality"},
    "commune": {"vi": "đơn vị cấp xã", "en": "commune-level locality"},
}

STATUS_LABELS = {
    "met": {"vi": "Đạt", "en": "Met"},
    "not_met": {"vi": "Không đạt", "en": "Not met"},
    "no_data": {"vi": "Chưa có số liệu", "en": "No data"},
    "no_target": {"vi": "Không có chỉ tiêu", "en": "No target"},
}


def language(lang: Any) -> str:
    """``"en"`` for any English locale (``en``, ``en_US``), else ``"vi"``."""
    return "en" if str(lang or "").lower().startswith("en") else "vi"


def message(key: str, lang: str = "vi", **params: Any) -> str:
    """The answer message ``key`` in ``lang``, with ``params`` filled in."""
    return ANSWER_MESSAGES[key][language(lang)].format(**params)


def label(table: dict[str, dict[str, str]], value: str, lang: str = "vi") -> str:
    """A word from one of the label tables above; the value itself if it is not listed."""
    return table.get(value, {}).get(language(lang), value)
