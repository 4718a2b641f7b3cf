"""Which photos the review needs, per registration kind: the contract's one list."""

from __future__ import annotations

from ._base import WireModel


class PhotoRequirement(WireModel):
    """One photo kind: when it is taken, whether the review requires it, and its labels.

    ``stage`` is ``at_submit`` (uploaded with the registration) or ``after_plate_fitted``
    (the photo of the fitted plate). ``condition`` names when a required photo applies
    (``agent``: someone acts for the owner; ``unit_owner``; ``person_owner``;
    ``station_channel``: a car registered at a station), or is null.
    """

    object: str = "photo_requirement"
    registration_kind: str
    photo_kind: str
    stage: str
    required: bool
    condition: str | None = None
    label_zh: str
    label_en: str
