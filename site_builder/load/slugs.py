"""URL-safe names made from text an author wrote: article titles and tags."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """``"Why ReLU? A guide"`` -> ``"why-relu-a-guide"``: lower-case ASCII letters, digits and hyphens.

    Accents are folded (``"Künstliche"`` -> ``"kunstliche"``); characters with no
    ASCII form are dropped, so the result may be empty.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
