"""A photo as a phone takes it, prepared and uploaded: upright, small, JPEG, no GPS.

python examples/phone_photo.py [PHOTO]   # a photo of yours (JPEG, PNG, HEIC), or a generated one

The photo on disk is only read. Without PHOTO a 12-megapixel phone photo is
generated (about 7 MB, turned by its EXIF tag, with fictional GPS coordinates).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _sandbox import bureau

from vehreg_sdk import VehregClient
from vehreg_sdk.photos import prepare_photo


def main() -> None:
    if len(sys.argv) > 1:
        source = Path(sys.argv[1])
    else:
        from vehreg_sdk.testing.photos import phone_photo

        source = Path(tempfile.mkdtemp()) / "IMG_0042.JPG"
        source.write_bytes(phone_photo((4032, 3024), orientation=6))
    print(f"as taken: {source.name}, {source.stat().st_size / 1e6:.1f} MB")

    photo = prepare_photo(source)  # what every upload does before sending
    size = f"{photo.width}x{photo.height}, {len(photo.data) / 1e6:.2f} MB"
    print(f"prepared: {photo.filename}, {size}, {photo.content_type}, metadata and GPS removed")

    with bureau() as settings, VehregClient(**settings) as client:
        upload = client.uploads.create(kind="vehicle_photo", file=source)
    print(f"uploaded {upload.id}: {upload.size} bytes (the bureau takes up to 5 MB)")


if __name__ == "__main__":
    main()
