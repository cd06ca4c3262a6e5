"""QuickSelect writes the HTML that Django's Select writes, in Python."""

import pytest
from django import forms

from claims.widgets import QuickSelect
from tests.factories import PAYLOAD

CHOICES = [
    ("", "any topic"),
    ("nk-troops", "North Korean troops in Russia"),
    ("x", PAYLOAD),
    ('quote"d', "a value with a quote & an ampersand"),
    (7, "a number"),
]


@pytest.mark.parametrize(
    "value, attrs",
    [
        ("nk-troops", {"id": "id_topic"}),
        ("", {"id": "id_topic", "required": True, "aria-describedby": "help"}),
        ('quote"d', {"id": "id_topic", "disabled": False, "class": PAYLOAD}),
        (7, None),
        (None, {"id": "id_topic"}),
        ("not a choice", {"id": "id_topic"}),
    ],
)
def test_a_quick_select_is_djangos_select_byte_for_byte(value, attrs):
    quick = QuickSelect(choices=CHOICES).render("topic", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("topic", value, attrs=attrs)

    assert quick == django
    assert "<script>" not in quick


def test_grouped_choices_fall_back_to_djangos_templates():
    choices = [("Army", [("a", "tanks")]), ("Navy", [("n", "ships")])]

    quick = QuickSelect(choices=choices).render("unit", "n")

    assert quick == forms.Select(choices=choices).render("unit", "n")
    assert '<optgroup label="Navy">' in quick
