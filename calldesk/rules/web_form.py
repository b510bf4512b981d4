"""The public Service Request form: which fields a profile's form has, its words in English and Spanish, and the
check of what a constituent sent (every refusal names its field, in the form's language)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calldesk.rules.abuse import abuse_words_in
from calldesk.rules.contact import is_email
from calldesk.rules.free_text import narrative_limit
from calldesk.rules.profile import Profile

LANGUAGES = {"en": "English", "es": "Spanish"}
HONEYPOT = "website"  # a field people never see (hidden from eyes and screen readers); robots fill it in
# What one form may carry, field by field (the case's own column limits where they are smaller); a narrative typed
# on the web holds what the store holds (calldesk.rules.free_text's limits: no second figure here).
LIMITS = {"caller_name": 200, "phone": 40, "email": 254, "school": 200, "category": 120,
          "claim": narrative_limit("cases", "claim"), "evidence": narrative_limit("cases", "evidence"),
          "tried_school_with": 200, "call_type": 20, "preferred_contact": 20, "lang": 2,
          "csrf": 200, HONEYPOT: 200, "tried_school": 3}
FIELDS = tuple(LIMITS)
# A character is at most 4 bytes of UTF-8, and a byte at most 3 characters percent-encoded ("%E6").
_ENCODED_PER_CHARACTER = 4 * 3


def body_limit(limits: Mapping[str, int]) -> int:
    """The largest urlencoded body a form of these fields (name -> most characters) sends when every field is
    full of the widest characters: a longer body is more than the form can hold, never a form typed in full."""
    return sum(len(name) + 2 + _ENCODED_PER_CHARACTER * limit for name, limit in limits.items())  # "=" and "&"


BODY_LIMIT = body_limit(LIMITS)
CALL_TYPES = ("inquiry", "concern", "complaint", "compliment")
CONTACTS = ("phone", "email")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Service Request", "intro": "Tell us what happened. Fields marked required must be filled in.",
        "caller_name": "Your name", "phone": "Phone", "email": "Email", "preferred_contact": "How should we reach you?",
        "school": "School or department", "category": "Topic", "call_type": "Kind of request",
        "claim": "What happened, and what would you like us to do?", "evidence": "What supports it (optional)",
        "tried_school": "Did you try the school or its principal first?", "tried_school_with": "Whom did you talk to?",
        "yes": "Yes", "no": "No", "submit": "Send request", "required": "required",
        "inquiry": "A question", "concern": "A concern", "complaint": "A complaint", "compliment": "A compliment",
        "errors": "Please correct the fields below.",
        "thanks": "Your request was received.", "number": "Your request number",
        "status_link": "Keep this private link to see the status of your request",
        "status": "Status", "open": "Open", "closed": "Closed", "updates": "Updates",
        "received": "Received", "acknowledged": "Acknowledged", "responded": "Written response sent",
        "closed_on": "Closed", "due": "We aim to resolve it by",
        "err_required": "This field is required.", "err_long": "This is longer than {limit} characters.",
        "err_choice": "Choose one of the options.", "err_contact": "Give a phone number or an email address.",
        "err_phone": "This is not a phone number.", "err_email": "This is not an email address.",
        "err_text": "This contains characters that cannot be stored.",
        "abuse": ("If a child is in danger, call 911. A member of our staff will call you back; please do not "
                  "write more about it here."),
        "language": "Language", "other_language": "Español", "errors_word": "Error:",
        # Refusals: the page's heading, then its sentence (one template, message.html, shows them).
        "refused": "Not accepted", "not_found_title": "Not found", "failed_title": "Something went wrong",
        "too_many": "Too many requests came from your address. Please wait a minute and try again.",
        "not_form": "The request must be sent with the form on this site.",
        "too_large": "The form is too long to accept. Please shorten what you wrote and send it again.",
        "unreadable": "The form could not be read. Please fill it in again.",
        "expired": "The form expired or did not come from this site. Please fill it in again.",
        "expired_kept": ("This form was open too long to be sent. What you typed is below: please check it and "
                         "send it again."),
        "not_accepted": "The form could not be accepted.",
        "unknown_fields": "The form has fields this site does not know.",
        "wrong_host": "This site is not served at the address your browser asked for. Please use the link below.",
        "not_allowed": "This page cannot be used that way. Please use the form on this site.",
        "not_found": "There is no page at this address. Please check the link you were given.",
        "failed": "Sorry, something went wrong on our side. Please try again later.",
        "err_invalid": "This value cannot be accepted.",
        "back": "Go to the Service Request form",
    },
    "es": {
        "title": "Solicitud de servicio", "intro": "Cuéntenos lo que pasó. Los campos obligatorios deben llenarse.",
        "caller_name": "Su nombre", "phone": "Teléfono", "email": "Correo electrónico",
        "preferred_contact": "¿Cómo prefiere que le contactemos?", "school": "Escuela o departamento",
        "category": "Tema", "call_type": "Tipo de solicitud",
        "claim": "¿Qué pasó y qué desea que hagamos?", "evidence": "Qué lo respalda (opcional)",
        "tried_school": "¿Intentó resolverlo primero con la escuela o su director?",
        "tried_school_with": "¿Con quién habló?", "yes": "Sí", "no": "No", "submit": "Enviar solicitud",
        "required": "obligatorio",
        "inquiry": "Una pregunta", "concern": "Una inquietud", "complaint": "Una queja", "compliment": "Un elogio",
        "errors": "Por favor corrija los campos indicados.",
        "thanks": "Recibimos su solicitud.", "number": "Su número de solicitud",
        "status_link": "Guarde este enlace privado para ver el estado de su solicitud",
        "status": "Estado", "open": "Abierta", "closed": "Cerrada", "updates": "Novedades",
        "received": "Recibida", "acknowledged": "Confirmada", "responded": "Respuesta escrita enviada",
        "closed_on": "Cerrada", "due": "Esperamos resolverla para el",
        "err_required": "Este campo es obligatorio.", "err_long": "Tiene más de {limit} caracteres.",
        "err_choice": "Elija una de las opciones.", "err_contact": "Indique un teléfono o un correo electrónico.",
        "err_phone": "No es un número de teléfono.", "err_email": "No es un correo electrónico.",
        "err_text": "Contiene caracteres que no se pueden guardar.",
        "abuse": ("Si un niño está en peligro, llame al 911. Un miembro de nuestro personal le llamará; por favor no "
                  "escriba más sobre ello aquí."),
        "language": "Idioma", "other_language": "English", "errors_word": "Error:",
        "refused": "No aceptada", "not_found_title": "No encontrada", "failed_title": "Algo salió mal",
        "too_many": "Llegaron demasiadas solicitudes desde su dirección. Espere un minuto e inténtelo de nuevo.",
        "not_form": "La solicitud debe enviarse con el formulario de este sitio.",
        "too_large": "El formulario es demasiado largo. Por favor acorte lo que escribió y envíelo de nuevo.",
        "unreadable": "No se pudo leer el formulario. Por favor llénelo de nuevo.",
        "expired": "El formulario caducó o no vino de este sitio. Por favor llénelo de nuevo.",
        "expired_kept": ("Este formulario estuvo abierto demasiado tiempo para enviarse. Lo que escribió está abajo: "
                         "por favor revíselo y envíelo de nuevo."),
        "not_accepted": "No se pudo aceptar el formulario.",
        "unknown_fields": "El formulario tiene campos que este sitio no conoce.",
        "wrong_host": ("Este sitio no se sirve en la dirección que pidió su navegador. Por favor use el enlace de "
                       "abajo."),
        "not_allowed": "Esta página no se puede usar de esa manera. Por favor use el formulario de este sitio.",
        "not_found": "No hay ninguna página en esta dirección. Por favor revise el enlace que recibió.",
        "failed": "Lo sentimos, algo salió mal de nuestro lado. Por favor inténtelo más tarde.",
        "err_invalid": "Este valor no se puede aceptar.",
        "back": "Ir al formulario de solicitud de servicio",
    },
}
_PHONE = re.compile(r"[+()\d][\d ().\-]{6,30}")
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def language_of(requested: str | None) -> str:
    """"en" or "es" (anything else: English)."""
    return requested if requested in LANGUAGES else "en"


def visitor_language(*asked: str | None) -> str:
    """The visitor's language: the first of `asked` (the form's field, the address's `lang`, the cookie the form
    set) that names one this site speaks; English otherwise."""
    for one in asked:
        if one in LANGUAGES:
            return one
    return "en"


@dataclass(frozen=True)
class WebForm:
    """What a profile's form asks: its topics and whether it asks if the school was tried first (a profile whose
    steps include a building-level attempt, Area Offices Level One)."""

    categories: tuple[str, ...]
    asks_school_first: bool
    required: tuple[str, ...] = ("caller_name", "category", "claim")
    spanish: tuple[tuple[str, str], ...] = ()  # (a category, its Spanish name) where it has one

    def label(self, category: str, lang: str) -> str:
        """The name a visitor reading `lang` sees for `category` (the value sent stays the category's own)."""
        return dict(self.spanish).get(category, category) if lang == "es" else category


def form_of(profile: Profile) -> WebForm:
    """The form `profile` asks for."""
    return WebForm(categories=tuple(c.name for c in profile.categories),
                   asks_school_first=any(step.about_school for step in profile.steps),
                   spanish=tuple((c.name, c.name_es) for c in profile.categories if c.name_es))


def text_errors(values: Mapping[str, str], limits: Mapping[str, int], lang: str = "en") -> dict[str, str]:
    """{field: sentence in `lang`} for each of `limits`' fields in `values` longer than its limit or holding a
    character no store keeps (a control character other than tab and line breaks, half a surrogate pair)."""
    words = WORDS[language_of(lang)]
    errors: dict[str, str] = {}
    for name, limit in limits.items():
        text = values.get(name) or ""
        if len(text) > limit:
            errors[name] = words["err_long"].format(limit=limit)
        elif _UNSTORABLE.search(text):
            errors[name] = words["err_text"]
    return errors


@dataclass
class WebRequest:
    """A checked request: the case's fields (channel web_form) and whether its text points to abuse."""

    fields: dict[str, Any]
    abuse_suspected: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def check_request(profile: Profile, values: Mapping[str, str], lang: str,
                  required: tuple[str, ...] | None = None, form: WebForm | None = None) -> WebRequest:
    """The case fields of a submitted form, or `errors` (field -> sentence in `lang`) and no fields.

    A web request has nobody on the line: an inquiry is answered by a call back or email (the follow-up tier),
    so `needs_follow_up` is set (not for a compliment). Text pointing to abuse is not kept: the narrative is
    emptied and the request flagged urgent, for a person to call the reporter (PROTOCOL.md section 4).
    `required`: the fields that must be filled in (default: the form's); `form`: the profile's form, when the
    caller keeps it (form_of(profile) otherwise)."""
    words = WORDS[language_of(lang)]
    form = form or form_of(profile)
    got = {name: (values.get(name) or "").strip() for name in FIELDS}
    errors = text_errors(got, LIMITS, lang)
    for name in form.required if required is None else required:
        if not got[name] and name not in errors:
            errors[name] = words["err_required"]
    if got["category"] and got["category"] not in form.categories:
        errors.setdefault("category", words["err_choice"])
    call_type = got["call_type"] or "inquiry"
    if call_type not in CALL_TYPES:
        errors.setdefault("call_type", words["err_choice"])
    contact = got["preferred_contact"] or "email"
    if contact not in CONTACTS:
        errors.setdefault("preferred_contact", words["err_choice"])
    elif not got[contact]:  # the way chosen (or left as it was) is not given: the one that is (the call back's)
        contact = next((way for way in CONTACTS if got[way]), contact)
    if not got["phone"] and not got["email"]:
        errors.setdefault("phone", words["err_contact"])
    if got["phone"] and not _PHONE.fullmatch(got["phone"]):
        errors.setdefault("phone", words["err_phone"])
    if got["email"] and not is_email(got["email"]):
        errors.setdefault("email", words["err_email"])
    tried = got["tried_school"]
    asked = required is None or "tried_school" in required  # an Open311 client has no such question
    if form.asks_school_first and asked and got["school"] and tried not in ("yes", "no"):
        errors.setdefault("tried_school", words["err_choice"])
    if errors:
        return WebRequest({}, errors=errors)
    narrative = " ".join((got["claim"], got["evidence"], got["tried_school_with"]))
    abuse = bool(abuse_words_in(narrative, profile.abuse_keywords))
    steps = ""
    if form.asks_school_first and tried:
        steps = "Tried the school first: yes" + (f" ({got['tried_school_with']})" if got["tried_school_with"] else "") \
            if tried == "yes" else "Tried the school first: no"
    fields: dict[str, Any] = {
        "caller_name": got["caller_name"], "phone": got["phone"] or None, "email": got["email"] or None,
        "preferred_contact": contact, "language": LANGUAGES[language_of(lang)], "channel": "web_form",
        "school": got["school"] or None, "category": got["category"], "call_type": call_type,
        "claim": got["claim"], "evidence": got["evidence"], "steps_taken": steps,
        "needs_follow_up": call_type != "compliment",  # a compliment is logged, not answered
        "relationship": "other",
    }
    if abuse:  # nothing about it is kept: the words go, a person calls the reporter at once
        fields.update(claim="", evidence="", steps_taken="", urgent=True)
    return WebRequest(fields, abuse_suspected=abuse)


def form_client_id(token: str, values: Mapping[str, str]) -> str:
    """The request one filled-in form makes: the same form (its one-time token) sent again with the same words (a
    double click, a reload of the answer) is the same request, not a second case; anything changed is a new one."""
    sent = "\x1f".join(f"{name}={values[name]}" for name in sorted(values))
    return hashlib.sha256(f"{token}\x1e{sent}".encode()).hexdigest()[:32]
