"""The allergy gate: which of the substances about to be injected an active allergy covers.

An allergy covers a substance when (DESIGN section 5):
- it names the substance by code;
- it names an allergen class of the substance (a soy allergy covers soy-derived
  phosphatidylcholine);
- it names another substance that shares an allergen class with it (an allergy to one amide
  local anaesthetic, such as mepivacaine, covers lidocaine);
- its free text names, as whole words, a catalogue substance or class by name, code or alias
  ("soya lecithin", "allergic to lignocaine", "amide anaesthetics", "lidocaïne", "soja"); the
  text then counts as an allergy to each substance or class it names.

How free text is compared (`_words`, `_number_key`), the same way for the text and for every
catalogue term:
- Unicode folding: NFKD, combining marks dropped, case folded, ligatures spelt out
  (`Lidocaïne` = `lidocaine`, `Œuf` = `oeuf`, `Säure` = `saure`, `ß` = `ss`);
- every character that is not a letter or a digit (hyphen, underscore, apostrophe,
  punctuation) separates words (`Vitamin-C` = `vitamin c`, `hen's egg` = `hen s egg`); a
  term of several words also matches written as one (`soy bean` = `soybean`);
- number: each word is reduced to a key that drops the plural and singular endings of the
  catalogue's five languages (English and French `-s`/`-es`/`-x`, French `-aux` = `-al`,
  Spanish `-es`, Italian `-i`/`-e`/`-a`/`-o` and `-chi`/`-che`, German `-e`/`-en`/`-n`/`-s`).
  The keys of `lidocaine`, `lidocaines`, `Lidocain`, `lidocaína` and `lidocaine` (Italian
  plural) are all `lidocain`.

Why a key of our own rather than a stemmer (`snowballstemmer`): a stemmer strips derivational
suffixes as well as inflections (the English one turns `caffeinated` into `caffein`, the
stem of `caffeine`), so a word would stop being matched as a whole word; each language's
stemmer also misses the plurals of the others (English leaves `lidocainas`, Italian
`lidocaines`), so the text would have to be stemmed five times and the results united. The
key only removes endings that mark number, in every language at once (the clinic's language
cannot be known from free text a practitioner may write in English at a Paris clinic), and
when it conflates two words that differ in more than number (`lidocaino`), it errs towards a
conflict. Words of three letters or fewer are kept whole (`soy`, `egg`, `gsh`), and so are
words with digits (`b3`, `761`).

Erring towards a conflict is deliberate: a practitioner can mark an allergy `inactive` or
`resolved` after review, but a missed allergy cannot be undone.
"""

import re
import unicodedata
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import AllergenClass, Substance, substance_allergen_classes
from api.errors import ConflictItem
from api.patients.models import Allergy
from api.vocabulary import AllergyStatus, ConflictCode

_PARENTHESES = re.compile(r"\(([^)]*)\)")
# Anything but a letter or a digit separates words; `_` too, so `l_carnitine` is two words.
_SEPARATORS = re.compile(r"[\W_]+")
# Letters NFKD leaves whole: spelt out, so that `œuf` and `oeuf` are the same word.
_LETTERS = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_VOWELS = frozenset("aeiouy")


def _normalize(text: str) -> str:
    """`text` folded for comparison: accents and case folded, anything but letters and digits
    read as a space, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_SEPARATORS.sub(" ", bare.casefold().translate(_LETTERS)).split())


def _number_key(word: str) -> str:
    """`word` without the endings that mark singular or plural in English, French, German,
    Spanish and Italian; a word and its plural in any of them get the same key."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # lidocaines, acides, Vitamins, Extrakts, alcachofas
    if word.endswith("eaux"):
        word = word[:-1]
    elif word.endswith("aux") and len(word) > 4:
        word = word[:-3] + "al"  # locaux → local
    elif word.endswith("ux") and len(word) > 4:
        word = word[:-1]
    while True:
        before = word
        while len(word) > 3 and word[-1] in _VOWELS:
            word = word[:-1]  # lidocaine, lidocaina, anestetici, Artischocke, therapy
        if len(word) > 4 and word.endswith("en"):
            word = word[:-2]  # Artischocken, Vitaminen, Sojabohnen
        if word == before:
            break
    if len(word) > 3 and word.endswith(("ch", "gh")):
        word = word[:-1]  # anestetiche / anestetica, analgesichi / analgesico
    return word


def _words(text: str) -> tuple[str, ...]:
    return tuple(_number_key(w) for w in _normalize(text).split())


def catalogue_terms(code: str, name: str, aliases: Iterable[str]) -> set[str]:
    """The words free text may use for a catalogue item: its code (with `_` read as a space),
    its name, the name without and inside its parentheses, and its aliases; normalized."""
    terms = {code, name, _PARENTHESES.sub(" ", name)}
    terms.update(_PARENTHESES.findall(name))
    terms.update(aliases)
    return {t for t in (_normalize(term) for term in terms) if t}


def _term_keys(term: str) -> set[tuple[str, ...]]:
    """The word-key sequences that stand for `term`: its words, and all of them as one word."""
    keys = {_words(term)}
    if " " in term:
        keys.add((_number_key(term.replace(" ", "")),))
    return {k for k in keys if k}


Rows = tuple[tuple[str, str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class _Index:
    """Word-key sequences → the substance and class codes they name."""

    substances: dict[tuple[str, ...], frozenset[str]]
    classes: dict[tuple[str, ...], frozenset[str]]
    lengths: tuple[int, ...]


def _codes_by_key(rows: Rows) -> dict[tuple[str, ...], frozenset[str]]:
    found: dict[tuple[str, ...], set[str]] = {}
    for code, name, aliases in rows:
        for term in catalogue_terms(code, name, aliases):
            for key in _term_keys(term):
                found.setdefault(key, set()).add(code)
    return {key: frozenset(codes) for key, codes in found.items()}


@lru_cache(maxsize=8)
def _index(substance_rows: Rows, class_rows: Rows) -> _Index:
    # Keyed by the catalogue's names and aliases as read: built once per catalogue content,
    # rebuilt when an admin adds an item.
    substances = _codes_by_key(substance_rows)
    classes = _codes_by_key(class_rows)
    lengths = sorted({len(k) for k in substances} | {len(k) for k in classes})
    return _Index(substances, classes, tuple(lengths))


@dataclass
class Catalogue:
    """The slice of the catalogue the matcher needs, read in a fixed number of queries."""

    substance_names: dict[str, str] = field(default_factory=dict)
    substance_classes: dict[str, set[str]] = field(default_factory=dict)
    index: _Index | None = None

    @classmethod
    def load(cls, db: Session, with_terms: bool) -> "Catalogue":
        found = cls()
        substance_rows: list[tuple[str, str, tuple[str, ...]]] = []
        for code, name, aliases in db.execute(
            select(Substance.code, Substance.name, Substance.aliases).order_by(Substance.code)
        ):
            found.substance_names[code] = name
            found.substance_classes[code] = set()
            substance_rows.append((code, name, tuple(aliases or ())))
        for substance_code, class_code in db.execute(select(substance_allergen_classes)):
            found.substance_classes.setdefault(substance_code, set()).add(class_code)
        if with_terms:
            class_rows = tuple(
                (code, name, tuple(aliases or ()))
                for code, name, aliases in db.execute(
                    select(AllergenClass.code, AllergenClass.name, AllergenClass.aliases).order_by(
                        AllergenClass.code
                    )
                )
            )
            found.index = _index(tuple(substance_rows), class_rows)
        return found

    def named_in(self, text: str) -> tuple[set[str], set[str]]:
        """The substance codes and allergen-class codes that `text` names: every catalogue
        term whose words (folded as the module says) occur in it, one after the other, as
        whole words. Overlapping mentions ("soya lecithin" holds "soya") all count."""
        substances: set[str] = set()
        classes: set[str] = set()
        if self.index is None:
            return substances, classes
        written = _normalize(text).split()
        words = tuple(_number_key(w) for w in written)
        for start in range(len(words)):
            keys = [words[start : start + n] for n in self.index.lengths if start + n <= len(words)]
            # Two or three words written apart that a term spells as one (`soy bean`).
            keys += [
                (_number_key("".join(written[start : start + n])),)
                for n in (2, 3)
                if start + n <= len(words)
            ]
            for key in keys:
                substances |= self.index.substances.get(key, frozenset())
                classes |= self.index.classes.get(key, frozenset())
        return substances, classes


@dataclass
class _Coverage:
    """What one allergy covers: substances directly, and allergen classes."""

    label: str
    substances: set[str]
    classes: set[str]


def _coverage(allergy: Allergy, catalogue: Catalogue) -> _Coverage:
    if allergy.substance_code is not None:
        named = {allergy.substance_code}
        classes: set[str] = set()
        label = f"substance {allergy.substance_code}"
    elif allergy.allergen_class is not None:
        named = set()
        classes = {allergy.allergen_class}
        label = f"allergen class {allergy.allergen_class}"
    else:
        named, classes = catalogue.named_in(allergy.substance_text or "")
        label = f'"{allergy.substance_text}"'
    for code in named:
        classes |= catalogue.substance_classes.get(code, set())
    return _Coverage(label=label, substances=named, classes=classes)


def allergy_conflicts(
    db: Session, patient_id: uuid.UUID, substance_codes: Collection[str]
) -> list[ConflictItem]:
    """One ConflictItem(code="allergy", detail=..., substance_code=...) per substance among
    `substance_codes` that an ACTIVE allergy of the patient covers: by substance code, by one of
    the substance's allergen classes, or by free text naming a catalogue substance or class
    (name, code or alias, whole words, folded as the module docstring says: case, accents,
    punctuation, singular and plural).

    Costs at most four queries whatever the number of allergies or substances.
    """
    wanted = list(dict.fromkeys(substance_codes))
    if not wanted:
        return []
    active = list(
        db.scalars(
            select(Allergy)
            .where(Allergy.patient_id == patient_id, Allergy.status == AllergyStatus.ACTIVE)
            .order_by(Allergy.created_at, Allergy.id)
        )
    )
    if not active:
        return []
    catalogue = Catalogue.load(db, with_terms=any(a.substance_text for a in active))
    coverages = [_coverage(a, catalogue) for a in active]
    conflicts: list[ConflictItem] = []
    for code in wanted:
        classes = catalogue.substance_classes.get(code, set())
        for cover in coverages:
            shared = sorted(classes & cover.classes)
            if code in cover.substances or shared:
                name = catalogue.substance_names.get(code, code)
                why = (
                    f" (allergen class {', '.join(shared)})" if code not in cover.substances else ""
                )
                conflicts.append(
                    ConflictItem(
                        code=ConflictCode.ALLERGY,
                        detail=f"Active allergy to {cover.label} covers {name}{why}.",
                        substance_code=code,
                    )
                )
                break
    return conflicts
