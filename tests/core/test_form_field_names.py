"""A form field rendered in a compact row, with no <label> beside it, still has a name a
screen reader reads and a hint a sighted person sees (WCAG 1.3.1, 3.3.2, 4.1.2)."""

from __future__ import annotations

from django import forms

from hamsu.core.templatetags.hamsu import bs


class StakeholderLike(forms.Form):
    name = forms.CharField(label="name")
    stance = forms.ChoiceField(label="stance", choices=[("ally", "Ally")])
    when = forms.CharField(label="when", widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD"}))
    note = forms.CharField(label="note", widget=forms.Textarea)


def test_an_inline_text_box_is_named_by_its_label():
    assert 'aria-label="Name"' in bs(StakeholderLike()["name"], "inline")


def test_an_inline_text_box_shows_its_label_as_the_placeholder():
    assert 'placeholder="Name"' in bs(StakeholderLike()["name"], "inline")


def test_an_inline_text_area_shows_its_label_as_the_placeholder():
    assert 'placeholder="Note"' in bs(StakeholderLike()["note"], "inline")


def test_an_inline_select_is_named_by_its_label():
    assert 'aria-label="Stance"' in bs(StakeholderLike()["stance"], "inline")


def test_an_inline_field_keeps_its_own_placeholder():
    assert 'placeholder="YYYY-MM-DD"' in bs(StakeholderLike()["when"], "inline")


def test_a_field_with_a_label_beside_it_is_left_to_that_label():
    assert "aria-label" not in bs(StakeholderLike()["name"])
