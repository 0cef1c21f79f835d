"""Rules on account fields: what a valid email, name and password are."""

from __future__ import annotations

import re

from tradevantage.domain.errors import Conflict, FieldError
from tradevantage.domain.values import is_visible, text_problem

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 1024
FULL_NAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """Emails are trimmed; comparisons use this form, lower-cased."""
    return email.strip()


def email_key(email: str) -> str:
    """The form two emails are compared in: trimmed and lower-cased."""
    return email.strip().lower()


def check_email(email: str) -> list[FieldError]:
    # The lower-cased form is what is stored and compared, and it can be longer ("İ" -> "i̇").
    if len(email_key(email)) > EMAIL_MAX_LENGTH:
        return [FieldError("email", f"At most {EMAIL_MAX_LENGTH} characters.")]
    if text_problem(email) or not _EMAIL.match(email):
        return [FieldError("email", "Enter a valid email address.")]
    return []


def check_full_name(full_name: str, field: str = "full_name") -> list[FieldError]:
    if problem := text_problem(full_name):
        return [FieldError(field, problem)]
    if not is_visible(full_name):
        return [FieldError(field, "This field may not be blank.")]
    if len(full_name) > FULL_NAME_MAX_LENGTH:
        return [FieldError(field, f"At most {FULL_NAME_MAX_LENGTH} characters.")]
    return []


def check_password(password: str, email: str, field: str = "password") -> list[FieldError]:
    if "\x00" in password or any(0xD800 <= ord(c) <= 0xDFFF for c in password):
        return [FieldError(field, "Contains a character a password cannot hold (NUL or a lone surrogate).")]
    if len(password) < PASSWORD_MIN_LENGTH:
        return [FieldError(field, f"At least {PASSWORD_MIN_LENGTH} characters.")]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [FieldError(field, f"At most {PASSWORD_MAX_LENGTH} characters.")]
    if password.isdigit():
        return [FieldError(field, "This password is entirely numeric.")]
    if email_key(password) == email_key(email):
        return [FieldError(field, "The password may not be the email address.")]
    return []


def email_taken() -> Conflict:
    """The conflict of a second account with the same email, however it is detected."""
    return Conflict(
        "A user with this email already exists.",
        [FieldError("email", "This email is already registered.")],
    )
