"""Text scrubbing: contact details and long numbers removed before a message is kept.

Used before a staff member turns a user's message into a new FAQ phrasing, and before staff
see a message quoted.
"""

from __future__ import annotations

import re

REDACTED = "[retiré]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 0X XX XX XX XX with optional spaces, dots or dashes; +33 / 0033, optionally « (0) ».
_PHONE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?[0-9]{2}){4}(?![0-9])"
)
# Long digit runs: account, customer, social-security or card numbers.
_DIGIT_RUN = re.compile(r"[0-9]{9,}")


def scrub_personal_data(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and long digit runs replaced.

    Used before a staff member turns a user's message into a new FAQ phrasing, so nobody's
    contact details end up in the shared knowledge base.
    """
    for pattern in (_EMAIL, _PHONE, _DIGIT_RUN):
        text = pattern.sub(REDACTED, text)
    return text
