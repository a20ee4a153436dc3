"""Forms: they carry the CSRF token and the fields; the rules live in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget


class AskForm(FlaskForm):
    """A new question."""

    title = StringField("Title: what is the problem, in one sentence?")
    category_id = SelectField("Category", coerce=str)
    body = TextAreaField("Details: what did you try, and what happened?")
    tags = StringField("Keywords (optional, separated by commas)")
    attempt = HiddenField()


class AnswerForm(FlaskForm):
    """An answer to a question."""

    body = TextAreaField("Your answer")


class EditForm(FlaskForm):
    """A change to a post; title, category and tags only apply to questions."""

    title = StringField("Title")
    category_id = SelectField("Category", coerce=str)
    tags = StringField("Keywords (separated by commas)")
    body = TextAreaField("Text")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels with it."""


class CategoryForm(FlaskForm):
    """A category's name and description."""

    name = StringField("Name")
    description = TextAreaField("Description (optional)")


class ArticleForm(FlaskForm):
    """A knowledge article."""

    title = StringField("Title")
    category_id = SelectField("Category", coerce=str)
    body = TextAreaField("Article")


class GlossaryForm(FlaskForm):
    """One glossary term and the plain words to offer instead."""

    term = StringField("Word or phrase to look out for")
    plain = StringField("Plain words to use instead, or what it means")


class FlagForm(FlaskForm):
    """Why a post should be looked at."""

    reason = RadioField("What is wrong with it?", choices=[])
    note = TextAreaField("Anything the IT team should know? (optional)")


class IdeaForm(FlaskForm):
    """A new idea."""

    title = StringField("Your idea, in one sentence")
    body = TextAreaField("What would it change for you?")


class WebhookForm(FlaskForm):
    """An address that receives the community's events."""

    url = StringField("Address that receives the events")
    description = StringField("What it is for (optional)")
    events = SelectMultipleField(
        "Events to send", choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )


class TokenForm(FlaskForm):
    """A new personal access token for the API."""

    name = StringField("What the token is for")
    scopes = SelectMultipleField(
        "What it may do", choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    days = SelectField("How long it lasts", coerce=str)
