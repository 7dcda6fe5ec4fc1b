"""Paper ids: URL slugs of titles, and the key that decides two titles are one paper."""
from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_WORD = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """Titles are the same paper when they match ignoring case, punctuation and spacing.

    A title of punctuation or symbols only ("***", an emoji) has no letters to compare;
    it keeps its symbols (spacing still ignored) rather than matching every such title."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub("", folded) or "".join(folded.split())


def slugify(title: str, max_len: int = MAX_SLUG) -> str:
    """Lowercase ASCII with hyphens, cut at a word boundary; "paper" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        head = slug[: max_len + 1]
        slug = head[: head.rfind("-")] if "-" in head else slug[:max_len]
    return slug.strip("-") or "paper"


def unique_ids(titles: list[str]) -> list[str]:
    """Slugs made unique in order: the first keeps the plain slug, then -2, -3 ..."""
    taken: set[str] = set()
    ids = []
    for title in titles:
        candidate, n = slugify(title), 1
        while candidate in taken:
            n += 1
            suffix = f"-{n}"  # the slug is cut shorter so the id stays within MAX_SLUG
            candidate = slugify(title, MAX_SLUG - len(suffix)) + suffix
        taken.add(candidate)
        ids.append(candidate)
    return ids
