"""The owner (所有人) of an e-bike: identity fields, age, guardian and consent.

docs/domain.md §13: an e-bike rider must be at least 16 [M]; campus
batches include younger students, so the severity is policy. An owner under
18 needs a guardian recorded; under 14 all their personal data is sensitive
(PIPL art. 28) and needs the guardian's consent (art. 31). Age comes from
the resident ID number, so only owners with ID type ``A`` are judged by age.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ._input import business_date, enum_text, fields_of, violation
from ._violation import Violation
from .code_tables import IdDocumentType
from .config import MinorPolicy
from .people import age_on, validate_id_document, validate_mobile, validate_name

__all__ = ["GUARDIAN_FIELDS", "OWNER_FIELDS", "check_owner", "check_person_fields"]

#: The fields of an owner the rules read.
OWNER_FIELDS = ("name", "id_type", "id_number", "mobile", "address", "guardian")
#: The fields of a guardian the rules read. (Reading an absent attribute of a pydantic
#: model is slow, so each kind of person has its own list.)
GUARDIAN_FIELDS = ("name", "id_type", "id_number", "mobile", "consent")
_DEFAULT_POLICY = MinorPolicy()


def check_person_fields(person: object, on: object = None) -> list[Violation]:
    """The field-level checks of an owner or guardian: name, ID document and mobile.

    Works on a pydantic model, any object or a dict; paths are relative
    (``id_number``), so prefix them with :meth:`Violation.at`. A missing
    ``id_type`` means ``A`` (resident ID), as in the wire models.
    """
    return person_field_violations(fields_of(person, GUARDIAN_FIELDS), on)


def person_field_violations(person: Mapping[str, object], on: object) -> list[Violation]:
    """:func:`check_person_fields` on fields already read (see :data:`OWNER_FIELDS`)."""
    id_type = person.get("id_type")
    found = validate_name(person.get("name"))
    found += validate_id_document("A" if id_type is None else id_type, person.get("id_number"), on)
    found += validate_mobile(person.get("mobile"))
    return found


def check_owner(
    owner: object, on: object = None, *, policy: MinorPolicy | None = None
) -> list[Violation]:
    """Age rules for the owner on ``on`` (default: today in Shanghai).

    Codes: ``owner.under_16`` (severity from ``policy``, default error),
    ``owner.guardian_required`` (under 18 without ``owner.guardian``),
    ``owner.guardian_consent_required`` (under 14 without
    ``guardian.consent is True``) and ``owner.guardian_under_18``.
    Field paths are relative to the owner. ``on`` may be a ``datetime`` (aware:
    its Asia/Shanghai date; naive: its own date).
    """
    day = business_date(on)
    return owner_age_violations(fields_of(owner, OWNER_FIELDS), day, policy or _DEFAULT_POLICY)


def owner_age_violations(
    owner: Mapping[str, object], day: date, rules: MinorPolicy
) -> list[Violation]:
    """:func:`check_owner` on fields already read (see :data:`OWNER_FIELDS`)."""
    id_type = owner.get("id_type")
    if id_type is not None:
        kind = enum_text(id_type)
        if kind is None or kind.strip().upper() != IdDocumentType.RESIDENT_ID.value:
            return []  # only a resident ID number carries a birth date
    age = age_on(owner.get("id_number"), day)
    if age is None or age >= max(rules.guardian_age, rules.riding_age):
        return []  # an unreadable ID number is reported by check_person_fields
    found: list[Violation] = []
    if age < rules.riding_age:
        found.append(
            violation(
                "owner.under_16",
                "id_number",
                f"The owner is {age}; an e-bike rider must be at least {rules.riding_age}.",
                f"所有人年龄为{age}岁，驾驶电动自行车须年满{rules.riding_age}周岁。",
                severity=rules.under_16_severity,
                value=age,
                allowed=f">= {rules.riding_age}",
            )
        )
    guardian_source = owner.get("guardian")
    if guardian_source is None:
        found.append(
            violation(
                "owner.guardian_required",
                "guardian",
                f"The owner is under {rules.guardian_age}; record a guardian (监护人).",
                f"所有人未满{rules.guardian_age}周岁，须登记监护人信息。",
                value=age,
            )
        )
        return found
    guardian = fields_of(guardian_source, GUARDIAN_FIELDS)
    if age < rules.consent_age and guardian.get("consent") is not True:
        found.append(
            violation(
                "owner.guardian_consent_required",
                "guardian.consent",
                f"The owner is under {rules.consent_age}; the guardian must consent to the "
                "processing of the child's personal information.",
                f"所有人未满{rules.consent_age}周岁，须取得监护人对处理其个人信息的同意。",
                value=age,
            )
        )
    guardian_age = age_on(guardian.get("id_number"), day)
    if guardian_age is not None and guardian_age < rules.guardian_age:
        found.append(
            violation(
                "owner.guardian_under_18",
                "guardian.id_number",
                f"The guardian must be an adult ({rules.guardian_age} or older).",
                f"监护人须年满{rules.guardian_age}周岁。",
                value=guardian_age,
            )
        )
    return found
