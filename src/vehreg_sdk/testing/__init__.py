"""Fictional test data for integrators, the sandbox seed and the SDK's own tests.

Every generator takes a ``random.Random`` so the data is reproducible from a
seed; check characters (resident ID, credit code, VIN) are valid. The people
are fictional; do not use this module to make data that looks like a real
customer's.

>>> import random
>>> from vehreg_sdk.testing import fake_resident_id
>>> len(fake_resident_id(random.Random(7)))
18
"""

from .codes import (
    fake_ccc_number,
    fake_ebike_plate,
    fake_motor_code,
    fake_plate,
    fake_vehicle_code,
    fake_vin,
)
from .ebike import fake_certificate, fake_ebike_model, fake_sale_row
from .people import (
    LIANYUNGANG_AREA_CODES,
    fake_address,
    fake_mobile,
    fake_name,
    fake_resident_id,
    fake_uscc,
)
from .photos import SAMPLE_JPEG, SAMPLE_PNG

__all__ = [
    "LIANYUNGANG_AREA_CODES",
    "SAMPLE_JPEG",
    "SAMPLE_PNG",
    "fake_address",
    "fake_ccc_number",
    "fake_certificate",
    "fake_ebike_model",
    "fake_ebike_plate",
    "fake_mobile",
    "fake_motor_code",
    "fake_name",
    "fake_plate",
    "fake_resident_id",
    "fake_sale_row",
    "fake_uscc",
    "fake_vehicle_code",
    "fake_vin",
]
