"""The allergy gate: which of the substances about to be injected an active allergy covers.

An allergy covers a substance when (DESIGN section 5):
- it names the substance by code;
- it names an allergen class of the substance (a soy allergy covers soy-derived
  phosphatidylcholine);
- it names another substance that shares an allergen class with it (an allergy to one amide
  local anaesthetic, such as mepivacaine, covers lidocaine);
- its free text names, as whole words and ignoring case, a catalogue substance or class by
  name, code or alias ("soya lecithin", "allergic to lignocaine", "amide anaesthetics"); the
  text then counts as an allergy to each substance or class it names.

Erring towards a conflict is deliberate: a practitioner can mark an allergy `inactive` or
`resolved` after review, but a missed allergy cannot be undone.
"""

import re
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import AllergenClass, Substance, substance_allergen_classes
from api.errors import ConflictItem
from api.patients.models import Allergy

_PARENTHESES = re.compile(r"\(([^)]*)\)")
_SPACES = re.compile(r"\s+")


def _normalize(text: str) -> str:
    return _SPACES.sub(" ", text.casefold()).strip()


def catalogue_terms(code: str, name: str, aliases: Iterable[str]) -> set[str]:
    """The words free text may use for a catalogue item: its code (with `_` read as a space),
    its name, the name without and inside its parentheses, and its aliases."""
    terms = {code, code.replace("_", " "), name, _PARENTHESES.sub(" ", name)}
    terms.update(_PARENTHESES.findall(name))
    terms.update(aliases)
    return {t for t in (_normalize(term) for term in terms) if t}


def _pattern(terms: Iterable[str]) -> re.Pattern[str]:
    # Longest first, so that "soya lecithin" is tried before "soya"; the look-arounds make
    # every term a whole word ("egg" does not match "eggplant").
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")


@dataclass
class Catalogue:
    """The slice of the catalogue the matcher needs, read in a fixed number of queries."""

    substance_names: dict[str, str] = field(default_factory=dict)
    substance_classes: dict[str, set[str]] = field(default_factory=dict)
    term_to_substance: dict[str, set[str]] = field(default_factory=dict)
    term_to_class: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, db: Session, with_terms: bool) -> "Catalogue":
        found = cls()
        for code, name, aliases in db.execute(
            select(Substance.code, Substance.name, Substance.aliases)
        ):
            found.substance_names[code] = name
            found.substance_classes[code] = set()
            if with_terms:
                for term in catalogue_terms(code, name, aliases or []):
                    found.term_to_substance.setdefault(term, set()).add(code)
        for substance_code, class_code in db.execute(select(substance_allergen_classes)):
            found.substance_classes.setdefault(substance_code, set()).add(class_code)
        if with_terms:
            for code, name, aliases in db.execute(
                select(AllergenClass.code, AllergenClass.name, AllergenClass.aliases)
            ):
                for term in catalogue_terms(code, name, aliases or []):
                    found.term_to_class.setdefault(term, set()).add(code)
        return found

    def named_in(self, text: str) -> tuple[set[str], set[str]]:
        """The substance codes and allergen-class codes that `text` names."""
        terms = set(self.term_to_substance) | set(self.term_to_class)
        if not terms:
            return set(), set()
        substances: set[str] = set()
        classes: set[str] = set()
        normalized = _normalize(text)
        # Overlapping mentions ("soya lecithin" contains "soya") are all wanted, so every term
        # is looked for on its own rather than taking the regex's first alternative only.
        for term in terms:
            if term in normalized and _pattern([term]).search(normalized):
                substances |= self.term_to_substance.get(term, set())
                classes |= self.term_to_class.get(term, set())
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
    (name, code or alias, case-insensitive, whole words).

    Costs at most four queries whatever the number of allergies or substances.
    """
    wanted = list(dict.fromkeys(substance_codes))
    if not wanted:
        return []
    active = list(
        db.scalars(
            select(Allergy)
            .where(Allergy.patient_id == patient_id, Allergy.status == "active")
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
                        code="allergy",
                        detail=f"Active allergy to {cover.label} covers {name}{why}.",
                        substance_code=code,
                    )
                )
                break
    return conflicts
