"""Independent checks: the credential verified by the ``cwt`` library (not our verifier), and
QR codes decoded by OpenCV (not zxing-cpp, which writes them)."""

from __future__ import annotations

import base64
from typing import Any

import base45
import cv2
import cwt
import numpy as np
from cwt import COSEKey
from PIL import Image

PREFIX = "VP1:"


def cose_claims(token: str, jwks: dict[str, Any]) -> dict[int, Any]:
    """The CWT claims of ``token``, verified by ``cwt`` against the JWKS keys (kid mapped as the
    contract says: first 4 bytes of SHA-256 of the JWKS kid)."""
    import hashlib

    assert token.startswith(PREFIX)
    message = base45.b45decode(token[len(PREFIX) :])
    keys = []
    for jwk in jwks["keys"]:
        x = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
        kid = hashlib.sha256(jwk["kid"].encode()).digest()[:4]
        keys.append(COSEKey.new({1: 1, -1: 6, -2: x, 3: -8, 2: kid}))
    claims: dict[int, Any] = cwt.decode(message, keys)
    return claims


def opencv_decode(image: Image.Image) -> str:
    """What OpenCV's QR detectors read in ``image`` ('' when nothing): the ArUco-based one
    first (it finds more symbols), then the classic one."""
    gray = np.array(image.convert("L"))
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _, _ = detector.detectAndDecode(gray)
        if text:
            return str(text)
    return ""
