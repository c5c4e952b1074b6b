"""Citizens' phone numbers: one normal form and one test, shared by every form and workflow."""

import pytest

from portal import phones


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 0000 1111", "13800001111"),
        ("138-0000-1111", "13800001111"),
        ("(0574) 8765 4321", "057487654321"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_number_is_stored_without_spaces_dashes_or_brackets(typed, stored):
    assert phones.normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("13800001111", True),
        ("19912345678", True),
        ("0574-87654321", True),
        ("057487654321", True),
        ("010 1234567", True),
        ("12800001111", False),  # no mobile number starts 12
        ("1380000111", False),  # 10 digits
        ("87654321", False),  # a landline without its area code
        ("phone", False),
    ],
)
def test_mobile_numbers_and_landlines_with_an_area_code_are_numbers(typed, valid):
    assert phones.is_phone(typed) is valid
    assert bool(phones.PHONE_RE.match(phones.normalize_phone(typed))) is valid
