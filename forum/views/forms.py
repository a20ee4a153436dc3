"""Forms: they carry the CSRF token and the fields; the rules live in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import lazy_gettext as _l


class AskForm(FlaskForm):
    """A new question."""

    title = StringField(_l("Title: what is the problem, in one sentence?"))
    category_id = SelectField(_l("Category"), coerce=str)
    body = TextAreaField(_l("Details: what did you try, and what happened?"))
    tags = StringField(_l("Keywords (optional, separated by commas)"))
    attempt = HiddenField()


class AnswerForm(FlaskForm):
    """An answer to a question."""

    body = TextAreaField(_l("Your answer"))


class EditForm(FlaskForm):
    """A change to a post; title, category and tags only apply to questions."""

    title = StringField(_l("Title"))
    category_id = SelectField(_l("Category"), coerce=str)
    tags = StringField(_l("Keywords (separated by commas)"))
    body = TextAreaField(_l("Text"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels with it."""


class CategoryForm(FlaskForm):
    """A category's name and description."""

    name = StringField(_l("Name"))
    description = TextAreaField(_l("Description (optional)"))


class ArticleForm(FlaskForm):
    """A knowledge article."""

    title = StringField(_l("Title"))
    category_id = SelectField(_l("Category"), coerce=str)
    body = TextAreaField(_l("Article"))


class GlossaryForm(FlaskForm):
    """One glossary term and the plain words to offer instead."""

    term = StringField(_l("Word or phrase to look out for"))
    plain = StringField(_l("Plain words to use instead, or what it means"))


class FlagForm(FlaskForm):
    """Why a post should be looked at."""

    reason = RadioField(_l("What is wrong with it?"), choices=[])
    note = TextAreaField(_l("Anything the IT team should know? (optional)"))


class IdeaForm(FlaskForm):
    """A new idea."""

    title = StringField(_l("Your idea, in one sentence"))
    body = TextAreaField(_l("What would it change for you?"))


class WebhookForm(FlaskForm):
    """An address that receives the community's events."""

    url = StringField(_l("Address that receives the events"))
    description = StringField(_l("What it is for (optional)"))
    events = SelectMultipleField(
        _l("Events to send"), choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )


class TokenForm(FlaskForm):
    """A new personal access token for the API."""

    name = StringField(_l("What the token is for"))
    scopes = SelectMultipleField(
        _l("What it may do"), choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    days = SelectField(_l("How long it lasts"), coerce=str)
