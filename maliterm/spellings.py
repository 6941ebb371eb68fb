"""One name, many spellings: how two spellings of a name meet on one key.

`fold` takes case, accents and punctuation out (`Sévaré` -> `sevare`): every name search, index and
match starts there. Beyond it, the romanisations an Arabic name takes in English, French and scholarly
usage, and the variant letters of the Arabic script itself, meet on one key.

The index's names and aliases and the query go through the same table, whatever their language, so a
rule can only bring spellings together, never lose a name; what a rule costs is a few more loose
matches, which the ranking puts below exact ones. Other scripts (Cyrillic, Ge'ez, Chinese...) are
transliterated by anyascii, so a romanised query meets a name written in them. Every row is tested in
tests/unit/test_romanisation.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii


_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """`Sévaré` -> `sevare`; `Al-Mourabitoun` -> `al mourabitoun`: case-, accent- and punctuation-insensitive."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()

# Hamza and ayn marks belong to the word they are in: Jama'at is Jamaat, not "Jama at".
_MARKS = re.compile("['`\u00b4\u2018\u2019\u02bb\u02bc\u02be\u02bf]")

# Arabic-script variants that spell one word: ta marbuta written as ha, alef maqsura as ya, the
# Persian ya and kaf, alef wasla; tatweel (a stretching stroke) is no letter. Hamza on alef and the
# short vowels are already gone in `fold` (they are combining marks).
ARABIC_LETTERS = str.maketrans({"ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك", "ٱ": "ا", "ـ": None})
# The Arabic-script article joined to its word (الشام, شام).
_ARABIC_ARTICLE = re.compile(r"(?<!\S)ال(?=\S{2})")

# The article al- and its forms before the "sun letters" it assimilates to (ad-Din, ash-Sham, an-Nusra,
# ar-Raqqa, as-Sahab, at-Tawhid, az-Zarqawi), in English and French spellings. As a word before
# another word it is dropped: a name matches with and without it, and names never tie on it.
ARTICLES = frozenset("al el ul il ad ed adh ar er as es ash esh at et ath az ez an en".split())

# Rules on whole words, in order, on folded text.
WORD_RULES = tuple((re.compile(p), r) for p, r in (
    # The article written into a doubled sun letter: Eddine -> dine, Ennahda -> nahda, Essebsi -> sebsi.
    (r"\be([dnrstz])\1(?=[a-z]{2})", r"\1"),
    # Abd compounds: Abdel Malek, Abdul Malik, Abd al-Malik, Abdelmalek, Abderrahmane, Abdurrahman.
    (r"\babd(?:ou|e|u|a|o)?(?:l|([rsntdz])\1?)(?=\s|$|[a-z]{3})", r"abd \1"),
    # "Son of": Ben, Bin, Ibn.
    (r"\b(?:ben|bin|ibn)\b", "bin"),
))

# Letters and digraphs, replaced in one left-to-right pass (longest first), so no rule feeds another.
LETTERS = {
    "ou": "u", "oo": "u", "w": "u",  # Mourabitoun, Murabitoon, Murabitun; Ouagadougou, Wagadugu
    "ee": "i",  # Deen, Din
    "q": "k",  # Qaeda, Kaeda (ق)
    "dh": "z",  # Dhu, Zu (ذ)
    "th": "t",  # Thawra, Tawra (ث)
    "kh": "h",  # Khalid, Halid (خ): French and English often drop the distinction
    "dj": "j", "g": "j", "gh": "gh",  # Djihad, Jihad, Gamal, Jamal (ج); gh (غ) stays itself
    "ch": "sh",  # Cham (French), Sham (ش)
    "ai": "ai", "ay": "ai", "ei": "ai", "ey": "ai",  # Jaysh, Jaish; Husayn, Hussein
}
_LETTERS = re.compile("|".join(sorted(LETTERS, key=lambda k: (-len(k), k))))

# Word endings: ta marbuta -ah/-a (Dawlah, Dawla); French final -e after a consonant (Dine, Din).
ENDINGS = tuple((re.compile(p), r) for p, r in (
    (r"(?<=[a-z])ah\b", "a"),
    (r"(?<=[a-z]{2}[b-df-hj-np-tv-z])e\b", ""),
))

_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = str.maketrans("", "", "aeiouy")


@lru_cache(maxsize=262144)
def romanise(text: str) -> str:
    """The words of `text` on the common key: `Hurras ad-Deen` -> `hurras din`, `حراس الدين` -> `hrs dyn`."""
    t = fold(_MARKS.sub("", text))
    if not t.isascii():
        t = fold(_MARKS.sub("", anyascii(_ARABIC_ARTICLE.sub("", t.translate(ARABIC_LETTERS)))))
    words = t.split()
    t = " ".join(w for i, w in enumerate(words) if w not in ARTICLES or i == len(words) - 1)
    for pattern, repl in WORD_RULES:
        t = pattern.sub(repl, t)
    t = _LETTERS.sub(lambda mt: LETTERS[mt.group()], t)
    for pattern, repl in ENDINGS:
        t = pattern.sub(repl, t)
    return " ".join(t.split())


@lru_cache(maxsize=262144)
def skeleton(text: str) -> str:
    """The key a whole name is matched on: no spaces (Bel Mokhtar, Belmokhtar), doubled letters single."""
    return _DOUBLE.sub(r"\1", romanise(text).replace(" ", ""))


@lru_cache(maxsize=262144)
def sound(word: str) -> str:
    """A romanised word's first letter and consonants, for words whose vowels are spelled every way:
    Fath, Fateh and Fatah (فتح) are `ft`; a final h (ta marbuta, or ح) goes too. The first letter stays
    even if a vowel (esprit is `esprt`, not support's `sprt`). Empty for a key of fewer than two letters."""
    key = _DOUBLE.sub(r"\1", word[:1] + word[1:].translate(_VOWELS)).removesuffix("h")
    return key if len(key) >= 2 else ""
