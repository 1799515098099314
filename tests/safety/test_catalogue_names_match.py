"""Property: every catalogue name, code and alias, altered only in case, accents, hyphens and
spaces, or number (singular / plural in the catalogue's five languages), still names its
substance or allergen class; and migration 0007 gives every item names in five languages."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import AllergenClass, Substance
from api.safety.allergies import Catalogue, catalogue_terms

_ACCENTED = {
    "a": "àáâäã",
    "e": "éèêë",
    "i": "íïî",
    "o": "óôöõ",
    "u": "úùûü",
    "c": "ç",
    "n": "ñ",
}


def _bare(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _inflections(word: str) -> list[str]:
    """Other numbers of `word`, as English, French, German, Spanish or Italian make them."""
    folded = _bare(word).casefold()
    if len(folded) < 3 or not folded.isalpha():
        return []
    if folded.endswith("s"):
        return [word + "es"] if folded.endswith("ss") else [word[:-1]]
    forms = [word + "s", word + "es", word + "en"]
    if len(folded) < 4:
        return forms  # a final vowel of a short word is not an ending (the, soy, egg)
    if folded.endswith("a"):
        forms += [word[:-1] + "e", word[:-1] + "i"]  # Italian -a → -e, Spanish … -as via +s
    if folded.endswith("o"):
        forms.append(word[:-1] + "i")
    if folded.endswith("e"):
        forms += [word[:-1] + "i", word + "n"]
    if folded.endswith(("co", "go")):
        forms.append(word[:-1] + "hi")
    if folded.endswith(("ca", "ga")):
        forms.append(word[:-1] + "he")
    if folded.endswith("y"):
        forms.append(word[:-1] + "ies")
    if folded.endswith("al") and not folded.endswith("eal"):
        forms.append(word[:-2] + "aux")
    return forms


@st.composite
def _altered(draw: st.DrawFn, term: str) -> str:
    words = term.split(" ")
    changed = []
    for word in words:
        if draw(st.booleans()):
            forms = _inflections(word)
            if forms:
                word = draw(st.sampled_from(forms))
        changed.append(word)
    separators = [draw(st.sampled_from([" ", "-", "  ", " - ", "_", "/"])) for _ in changed[1:]]
    text = changed[0] + "".join(
        sep + word for sep, word in zip(separators, changed[1:], strict=True)
    )
    text = text.replace("-", draw(st.sampled_from(["-", " ", "‐"])))
    if draw(st.booleans()):
        text = _bare(text)
    letters = []
    for char in text:
        if char in _ACCENTED and draw(st.booleans()):
            char = draw(st.sampled_from(_ACCENTED[char]))
        if draw(st.booleans()):
            char = char.upper()
        letters.append(char)
    return "".join(letters)


def _items(db: Session) -> list[tuple[str, str, str]]:
    """(kind, code, term) for every term of every substance and allergen class."""
    found = []
    for kind, model in (("substance", Substance), ("class", AllergenClass)):
        for code, name, aliases in db.execute(select(model.code, model.name, model.aliases)):
            found += [(kind, code, t) for t in sorted(catalogue_terms(code, name, aliases))]
    return found


def test_every_term_matches_as_written(db: Session) -> None:
    catalogue = Catalogue.load(db, with_terms=True)
    for kind, code, term in _items(db):
        substances, classes = catalogue.named_in(f"allergic to {term}, since 2019")
        assert code in (substances if kind == "substance" else classes), (kind, code, term)


def test_any_term_altered_in_case_accents_hyphens_or_number_still_matches(db: Session) -> None:
    catalogue = Catalogue.load(db, with_terms=True)
    items = _items(db)

    @settings(
        max_examples=1500,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(st.sampled_from(items).flatmap(lambda i: st.tuples(st.just(i), _altered(i[2]))))
    def check(case: tuple[tuple[str, str, str], str]) -> None:
        (kind, code, term), text = case
        substances, classes = catalogue.named_in(text)
        assert code in (substances if kind == "substance" else classes), (term, text)

    check()


def test_every_item_has_names_in_five_languages(db: Session) -> None:
    """0007 adds names per language; spot-check one per language for every kind of item."""
    expected = {
        "lidocaine": {"lidocaïne", "lidocain", "lidocaína", "lidocaina"},
        "caffeine": {"caféine", "koffein", "cafeína", "caffeina"},
        "artichoke_extract": {"artichaut", "artischocke", "alcachofa", "carciofo"},
        "vitamin_c": {"vitamine c", "ascorbinsäure", "vitamina c", "acido ascorbico"},
    }
    for code, names in expected.items():
        substance = db.get_one(Substance, code)
        assert names <= set(substance.aliases), code
    soy = db.get_one(AllergenClass, "soy")
    assert {"soja", "sojabohne", "soia"} <= set(soy.aliases)
    assert all(len(s.aliases) >= 8 for s in db.scalars(select(Substance)))
    assert all(len(c.aliases) >= 8 for c in db.scalars(select(AllergenClass)))
