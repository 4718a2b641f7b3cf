"""Settings every test process shares.

The tests read the output of the ``python`` processes they start as UTF-8
(``encoding="utf-8"``). On a Chinese Windows a child's pipes would be code page 936,
so children write UTF-8 unless a test asks for another encoding itself (the console
tests set ``PYTHONIOENCODING=gbk`` / ``cp1252`` explicitly).
"""

from __future__ import annotations

import os

os.environ.setdefault("PYTHONIOENCODING", "utf-8")
