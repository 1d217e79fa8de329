"""The English text each translation works from, its placeholders, and the checks a
translation must pass (pure: no database).

English drafts keep their channel-aware wording from core.plain_language; a translation is one
text for every channel, with the same placeholders as the English text below.
"""

from __future__ import annotations

import re

from core import plain_language
from core.errors import UserError

ENGLISH = "en"

# The opt-out sentence a channel adds when a message is sent is translated like a template
# (kept, approved and used the same way): one key per channel that has a sentence.
OPT_OUT: dict[str, str] = {channel: f"opt_out_{channel}"
                           for channel in plain_language.OPT_OUT_SENTENCE}
_OPT_OUT_NAMES = {"sms": "Opt-out sentence for text messages",
                  "email": "Opt-out sentence for emails"}

# The languages a translation can be written in: the demo's and the office's common ones.
LANGUAGES: dict[str, str] = {
    "en": "English", "cy": "Welsh", "pl": "Polish", "es": "Spanish", "ur": "Urdu",
    "pa": "Punjabi", "bn": "Bengali", "hi": "Hindi", "fr": "French", "ro": "Romanian",
    "ga": "Irish", "zh": "Chinese", "mi": "Māori",
}

# The English text translators work from; {name}, {agent}, {amount} and {due} are filled in.
REFERENCE: dict[str, str] = {
    "checkin": "Hi {name}, it's {agent}. I just wanted to see how you are doing. If anything "
               "has changed, or you would like to talk, just get in touch. We are here to help.",
    "reminder": "Hi {name}, it's {agent}. Your next payment of {amount} is due on {due}. If "
                "paying is hard right now, please get in touch. We can talk it through and "
                "find a way that works for you.",
    "thanks": "Hi {name}, it's {agent}. Thank you for your payment of {amount}. It has reached "
              "us. If you have any questions, just get in touch.",
    "plan_summary": "Hi {name}, it's {agent}. Thank you for talking with me. Here is the plan "
                    "we agreed: you will pay {amount} each time, starting on {due}. If things "
                    "change, please get in touch. We can change the plan.",
    **{key: plain_language.OPT_OUT_SENTENCE[channel] for channel, key in OPT_OUT.items()},
}

# Words to avoid in messages, per language, with the plain wording (English: core.plain_language).
JARGON: dict[str, dict[str, str]] = {
    "es": {"morosidad": "pagos atrasados", "moroso": "con pagos atrasados",
           "impago": "pago que falta", "acreedor": "la empresa a la que debe",
           "deudor": "usted", "embargo": "medidas legales", "liquidación": "pago final",
           "amortización": "pago"},
    "pl": {"zadłużenie przeterminowane": "zaległe płatności", "wierzyciel": "firma",
           "dłużnik": "Pan/Pani", "egzekucja komornicza": "kroki prawne",
           "windykacja": "nasz zespół", "należność główna": "kwota do zapłaty"},
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def language_name(code: str) -> str:
    """The language's English name, or its code when unknown."""
    return LANGUAGES.get(code, code)


def template_name(template: str) -> str:
    """What a template (or an opt-out sentence) is called on screen."""
    for channel, key in OPT_OUT.items():
        if key == template:
            return _OPT_OUT_NAMES.get(channel, f"Opt-out sentence ({channel})")
    return plain_language.TEMPLATES.get(template, template)


def placeholders(text: str) -> set[str]:
    """The {names} a text uses."""
    return set(_PLACEHOLDER.findall(text))


def check_translation(template: str, language: str, body: str) -> str:
    """A translation stripped and checked: it keeps every placeholder of the English text, and
    adds none; one plain sentence for what is wrong."""
    if template not in REFERENCE:
        raise UserError("Choose one of the message templates.")
    if language not in LANGUAGES or language == ENGLISH:
        raise UserError("Choose the language of the translation (not English: the English "
                        "text is the one translations work from).")
    body = (body or "").strip()
    if not body:
        raise UserError("The translation is empty.")
    wanted, found = placeholders(REFERENCE[template]), placeholders(body)
    if "{" in _PLACEHOLDER.sub("", body) or "}" in _PLACEHOLDER.sub("", body):
        raise UserError("A curly bracket is not closed; placeholders look like {name}.")
    if missing := sorted(wanted - found):
        raise UserError("The translation is missing " + _names(missing) + ": keep every "
                        "placeholder of the English text, exactly as written there.")
    if extra := sorted(found - wanted):
        raise UserError("The translation has " + _names(extra) + ", which the English text "
                        "doesn't: use only " + _names(sorted(wanted)) + ".")
    return body


def _names(names: list[str]) -> str:
    shown = [f"{{{n}}}" for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def render(body: str, values: dict[str, str]) -> str:
    """Fill the placeholders (plain replacement: a brace in a name can't break anything)."""
    for name, value in values.items():
        body = body.replace(f"{{{name}}}", value)
    return body


def find_jargon(text: str, language: str) -> list[tuple[str, str]] | None:
    """Jargon found in a text in `language`, or None when there is no list for it."""
    if language == ENGLISH:
        return plain_language.find_jargon(text)
    words = JARGON.get(language)
    if words is None:
        return None
    lower = text.lower()
    return [(term, plain) for term, plain in words.items() if term in lower]
