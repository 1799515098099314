"""Catalogue reference data (data migration).

Seeds the read-only clinical catalogue created by revision 0002: treatment areas, allergen
classes, substances with their allergen-class links, mesotherapy formulations (indications and
ingredients) and contraindications.

The table definitions below are frozen, lightweight ``sa.table`` declarations on purpose: a
migration must not import the application models, which keep evolving after it is written.
Formulation ids are deterministic (UUID v5) so that every database gets the same ids.

Concentrations are representative values for display and for matching against a batch label;
they are not dosing guidance. A clinic must always use the label of the product it injects.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 00:00:00
"""

import json
import uuid
from collections.abc import Sequence
from typing import Any, Final

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --------------------------------------------------------------------------------------------
# Frozen table shapes (only the columns this migration writes).
# --------------------------------------------------------------------------------------------


class _AliasList(sa.types.TypeDecorator[list[str]]):
    """JSON list of aliases that can also be rendered inline for ``alembic upgrade --sql``."""

    impl = sa.JSON
    cache_ok = True

    def process_literal_param(self, value: list[str] | None, dialect: sa.Dialect) -> str:
        return "'" + json.dumps(value).replace("'", "''") + "'"


treatment_areas = sa.table(
    "treatment_areas",
    sa.column("code", sa.String(40)),
    sa.column("name", sa.String(100)),
    sa.column("size_class", sa.String(10)),
)
allergen_classes = sa.table(
    "allergen_classes",
    sa.column("code", sa.String(40)),
    sa.column("name", sa.String(100)),
    sa.column("aliases", _AliasList()),
)
substances = sa.table(
    "substances",
    sa.column("code", sa.String(40)),
    sa.column("name", sa.String(100)),
    sa.column("aliases", _AliasList()),
)
substance_allergen_classes = sa.table(
    "substance_allergen_classes",
    sa.column("substance_code", sa.String(40)),
    sa.column("allergen_class_code", sa.String(40)),
)
formulations = sa.table(
    "formulations",
    sa.column("id", sa.Uuid()),
    sa.column("name", sa.String(120)),
)
formulation_indications = sa.table(
    "formulation_indications",
    sa.column("formulation_id", sa.Uuid()),
    sa.column("indication", sa.String(30)),
)
formulation_ingredients = sa.table(
    "formulation_ingredients",
    sa.column("formulation_id", sa.Uuid()),
    sa.column("substance_code", sa.String(40)),
    sa.column("concentration", sa.String(60)),
)
contraindications = sa.table(
    "contraindications",
    sa.column("code", sa.String(40)),
    sa.column("name", sa.String(120)),
    sa.column("kind", sa.String(10)),
)


# --------------------------------------------------------------------------------------------
# Treatment areas: (code, name, size_class).
#
# Sources for the areas treated with mesotherapy / injection lipolysis and their relative size:
# - Mammucari M. et al., consensus report of the Italian Society of Mesotherapy on definition,
#   rationale and clinical role of mesotherapy, Eur Rev Med Pharmacol Sci, 2011.
# - Duncan D.I., Palmer M., standard of practice for phosphatidylcholine/deoxycholate fat
#   reduction (body regions, regions to avoid), Aesthetic Plast Surg, 2008.
# - Thomas M.K. et al., 14-year experience of PC/DC injection lipolysis in 1269 patients
#   (face, submental, arms, thighs, knees, abdomen), J Cutan Aesthet Surg, 2018.
# The size class is the clinic's own pricing/dosing bucket: large = trunk or whole limb
# segment, medium = face, arms, flanks, décolleté, small = chin (submental) and neck.
# --------------------------------------------------------------------------------------------

TREATMENT_AREAS: Final[tuple[tuple[str, str, str], ...]] = (
    ("abdomen", "Abdomen", "large"),
    ("flanks", "Flanks", "medium"),
    ("buttocks", "Buttocks", "large"),
    ("thighs", "Thighs", "large"),
    ("legs", "Legs", "large"),
    ("arms", "Arms", "medium"),
    ("face", "Face", "medium"),
    ("chin", "Chin (submental area)", "small"),
    ("neck", "Neck", "small"),
    ("decollete", "Décolleté", "medium"),
)


# --------------------------------------------------------------------------------------------
# Allergen classes: (code, name, aliases). Aliases are lower-case words a patient or clinician
# may write in free text instead of the class name; generic fragments are deliberately avoided.
#
# Sources:
# - soy / egg: phosphatidylcholine for injection is purified soybean lecithin (polyenyl-
#   phosphatidylcholine), and lecithin is also extracted from egg yolk (e.g. the egg lecithin
#   of propofol emulsions). Rotunda A.M., Kolodney M.S., historical clarification and review
#   of mesotherapy and phosphatidylcholine injections, Dermatol Surg, 2006; Asserhoj L.L. et
#   al., propofol (soy oil and egg lecithin) in adults allergic to egg, soy or peanut,
#   Br J Anaesth, 2016; Lipostabil N / Essentiale product information (soy-derived PPC,
#   hypersensitivity to soy as a contraindication).
# - methylxanthines: caffeine (1,3,7-trimethylxanthine), theophylline (1,3-dimethylxanthine),
#   aminophylline (theophylline with ethylenediamine) and pentoxifylline are xanthine
#   derivatives; standard pharmacology texts (e.g. Goodman & Gilman's The Pharmacological Basis
#   of Therapeutics, methylxanthine chapter).
# - ethylenediamine: the counter-ion of aminophylline and a well-known contact sensitiser.
#   Zuidema J., ethylenediamine as a sensitising excipient, Pharm Weekbl Sci, 1985; Urbani
#   C.E., urticarial reaction to the ethylenediamine of aminophylline given by mesotherapy,
#   Contact Dermatitis, 1994.
# - asteraceae: artichoke (Cynara scolymus) belongs to the Asteraceae (Compositae) family
#   together with ragweed, chamomile, arnica and mugwort. EMA/HMPC Community herbal monograph
#   on Cynara scolymus L., folium, 2011 (hypersensitivity to Asteraceae as contraindication);
#   Paulsen E., contact sensitisation from Compositae-containing herbal remedies and
#   cosmetics, Contact Dermatitis, 2002.
# - amide / ester local anaesthetics and PABA: esters (procaine, benzocaine, tetracaine,
#   chloroprocaine) are hydrolysed to para-aminobenzoic acid, the usual sensitiser, and
#   cross-react with each other and with PABA; amides (lidocaine, mepivacaine, articaine,
#   bupivacaine, prilocaine, ropivacaine) do not cross-react with esters and rarely with each
#   other. Eggleston S.T., Lush L.W., understanding allergic reactions to local anesthetics,
#   Ann Pharmacother, 1996; Becker D.E., Reed K.L., pharmacological review of local
#   anesthetics, Anesth Prog, 2012; Bhole M.V. et al., IgE-mediated allergy to local
#   anaesthetics, fact versus perception, Br J Anaesth, 2012.
# - bile_acids: sodium deoxycholate is a secondary bile salt (the detergent that lyses
#   adipocytes in PC/DC mixtures and the active of ATX-101). Rotunda A.M. et al., detergent
#   effects of sodium deoxycholate in injectable phosphatidylcholine, Dermatol Surg, 2004;
#   Kybella (deoxycholic acid) injection, US prescribing information, 2015.
# --------------------------------------------------------------------------------------------

ALLERGEN_CLASSES: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    (
        "soy",
        "Soy (soybean)",
        ("soya", "soybean", "soy bean", "soya bean", "soybeans", "glycine max", "soy protein"),
    ),
    (
        "egg",
        "Egg",
        ("eggs", "hen's egg", "hen egg", "egg white", "egg yolk", "ovalbumin", "ovomucoid"),
    ),
    (
        "methylxanthines",
        "Methylxanthines (xanthine derivatives)",
        ("methylxanthine", "xanthine derivative", "xanthine derivatives", "xanthines"),
    ),
    (
        "ethylenediamine",
        "Ethylenediamine",
        ("ethylene diamine", "ethylenediamine dihydrochloride", "1,2-diaminoethane"),
    ),
    (
        "asteraceae",
        "Asteraceae (Compositae) plants",
        (
            "compositae",
            "composite family",
            "daisy family",
            "aster family",
            "sunflower family",
            "ragweed",
            "mugwort",
            "chamomile",
            "camomile",
            "arnica",
        ),
    ),
    (
        "amide_local_anaesthetics",
        "Amide-type local anaesthetics",
        (
            "amide local anaesthetic",
            "amide local anaesthetics",
            "amide local anesthetic",
            "amide local anesthetics",
            "amide anaesthetic",
            "amide anaesthetics",
            "amide anesthetic",
            "amide anesthetics",
            "amide-type local anaesthetic",
            "amide-type local anesthetic",
            "caine amide",
            "articaine",
            "bupivacaine",
            "levobupivacaine",
            "prilocaine",
            "ropivacaine",
        ),
    ),
    (
        "ester_local_anaesthetics",
        "Ester-type local anaesthetics",
        (
            "ester local anaesthetic",
            "ester local anaesthetics",
            "ester local anesthetic",
            "ester local anesthetics",
            "ester anaesthetic",
            "ester anaesthetics",
            "ester anesthetic",
            "ester anesthetics",
            "ester-type local anaesthetic",
            "ester-type local anesthetic",
            "caine ester",
            "tetracaine",
            "amethocaine",
            "chloroprocaine",
        ),
    ),
    (
        "paba",
        "Para-aminobenzoic acid (PABA)",
        (
            "para-aminobenzoic acid",
            "para aminobenzoic acid",
            "p-aminobenzoic acid",
            "4-aminobenzoic acid",
            "aminobenzoic acid",
            "para-group",
            "para group",
        ),
    ),
    (
        "bile_acids",
        "Bile acids and bile salts",
        ("bile acid", "bile salt", "bile salts", "cholic acid", "cholate"),
    ),
)


# --------------------------------------------------------------------------------------------
# Substances: (code, name, aliases, allergen class codes).
#
# Sources for the substances used in mesotherapy and their role:
# - Rotunda A.M., Kolodney M.S., Dermatol Surg, 2006 (procaine in Pistor's original technique;
#   PC/DC, aminophylline, L-carnitine, vasoactive and plant extracts in body cocktails).
# - Konda D., Thappa D.M., mesotherapy: what is new?, Indian J Dermatol Venereol Leprol, 2013
#   (pharmacological classes used: lipolytics, venotonics such as melilotus, ginkgo and
#   centella, vitamins, hyaluronic acid, organic silicon, local anaesthetics).
# - Caruso M.K. et al., in vitro evaluation of mesotherapy solutions for lipolysis and
#   cellulite, J Plast Reconstr Aesthet Surg, 2008 (PC, deoxycholate, aminophylline,
#   yohimbine, melilotus, artichoke among the tested agents).
# - Greenway F.L., Bray G.A., regional thigh fat loss after adrenergic modulation with
#   aminophylline, yohimbine and forskolin, Clin Ther, 1987.
# - Rossi A.B., Vergnanini A.L., cellulite review (methylxanthines, centella asiatica, ginkgo,
#   melilotus, pentoxifylline), J Eur Acad Dermatol Venereol, 2000.
# - Iorizzo M. et al., biorejuvenation: theory and practice (non-crosslinked hyaluronic acid,
#   vitamins, amino acids), Clin Dermatol, 2008; Savoia A. et al., minimally invasive
#   mesotherapy with non-crosslinked hyaluronic acid for facial rejuvenation, Dermatol Ther
#   (Heidelb), 2013.
# - Grossman R., dimethylaminoethanol (DMAE) in cosmetic dermatology, Am J Clin Dermatol, 2005.
# - Sonthalia S. et al., glutathione as a skin-lightening agent, Indian J Dermatol Venereol
#   Leprol, 2016.
# - Allergen links: see the allergen class sources above (soy/egg origin of lecithin, bile-salt
#   nature of deoxycholate, xanthine structure, ethylenediamine in aminophylline, Asteraceae
#   origin of artichoke, amide vs ester local anaesthetics and PABA).
# --------------------------------------------------------------------------------------------

SUBSTANCES: Final[tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]] = (
    (
        "phosphatidylcholine",
        "Phosphatidylcholine",
        (
            "ppc",
            "polyenylphosphatidylcholine",
            "polyenyl phosphatidylcholine",
            "lecithin",
            "soy lecithin",
            "soya lecithin",
            "egg lecithin",
            "lipostabil",
        ),
        ("soy", "egg"),
    ),
    (
        "sodium_deoxycholate",
        "Sodium deoxycholate",
        (
            "deoxycholate",
            "deoxycholic acid",
            "sodium desoxycholate",
            "desoxycholate",
            "desoxycholic acid",
            "atx-101",
            "kybella",
            "belkyra",
        ),
        ("bile_acids",),
    ),
    (
        "caffeine",
        "Caffeine",
        ("caffein", "coffeine", "guaranine", "1,3,7-trimethylxanthine"),
        ("methylxanthines",),
    ),
    (
        "aminophylline",
        "Aminophylline",
        ("theophylline ethylenediamine", "theophylline-ethylenediamine", "aminofilline"),
        ("methylxanthines", "ethylenediamine"),
    ),
    (
        "theophylline",
        "Theophylline",
        ("1,3-dimethylxanthine", "theophyllin", "anhydrous theophylline"),
        ("methylxanthines",),
    ),
    (
        "pentoxifylline",
        "Pentoxifylline",
        ("oxpentifylline", "trental"),
        ("methylxanthines",),
    ),
    (
        "l_carnitine",
        "L-carnitine",
        ("carnitine", "levocarnitine", "l carnitine"),
        (),
    ),
    (
        "artichoke_extract",
        "Artichoke extract (Cynara scolymus)",
        ("artichoke", "artichoke leaf", "cynara", "cynara scolymus", "cynarin", "cynarine"),
        ("asteraceae",),
    ),
    (
        "centella_asiatica",
        "Centella asiatica extract",
        ("centella", "gotu kola", "asiatic pennywort", "hydrocotyle", "teca", "madecassoside"),
        (),
    ),
    (
        "ginkgo_biloba",
        "Ginkgo biloba extract",
        ("ginkgo", "gingko", "ginkgo extract", "egb 761"),
        (),
    ),
    (
        "melilotus",
        "Melilotus officinalis extract (sweet clover)",
        ("melilot", "melilotus officinalis", "sweet clover", "yellow sweet clover"),
        (),
    ),
    (
        "yohimbine",
        "Yohimbine",
        ("yohimbine hydrochloride", "yohimbe"),
        (),
    ),
    (
        "organic_silicon",
        "Organic silicon (monomethylsilanetriol)",
        (
            "monomethylsilanetriol",
            "methylsilanetriol",
            "mmst",
            "organic silicium",
            "silicium organique",
            "conjonctyl",
        ),
        (),
    ),
    (
        "hyaluronic_acid",
        "Hyaluronic acid (non-crosslinked)",
        (
            "hyaluronan",
            "hyaluronate",
            "sodium hyaluronate",
            "non-crosslinked hyaluronic acid",
            "non cross-linked hyaluronic acid",
            "free hyaluronic acid",
        ),
        (),
    ),
    (
        "vitamin_a",
        "Vitamin A (retinol)",
        ("retinol", "retinyl palmitate", "retinyl acetate"),
        (),
    ),
    (
        "vitamin_c",
        "Vitamin C (ascorbic acid)",
        ("ascorbic acid", "l-ascorbic acid", "ascorbate", "sodium ascorbate"),
        (),
    ),
    (
        "vitamin_e",
        "Vitamin E (tocopherol)",
        ("tocopherol", "alpha-tocopherol", "tocopheryl acetate"),
        (),
    ),
    (
        "vitamin_b_complex",
        "Vitamin B complex",
        (
            "b vitamins",
            "b-complex",
            "b complex",
            "thiamine",
            "riboflavin",
            "nicotinamide",
            "niacinamide",
            "pyridoxine",
            "cyanocobalamin",
        ),
        (),
    ),
    (
        "biotin",
        "Biotin",
        ("vitamin b7", "vitamin h", "d-biotin"),
        (),
    ),
    (
        "zinc",
        "Zinc",
        ("zinc sulfate", "zinc sulphate", "zinc gluconate", "zinc chloride"),
        (),
    ),
    (
        "amino_acids",
        "Amino acid complex",
        ("amino acids", "amino acid complex", "amino-acid complex"),
        (),
    ),
    (
        "dmae",
        "DMAE (dimethylaminoethanol)",
        ("dimethylaminoethanol", "dimethylethanolamine", "deanol", "2-dimethylaminoethanol"),
        (),
    ),
    (
        "glutathione",
        "Glutathione",
        ("reduced glutathione", "l-glutathione", "gsh"),
        (),
    ),
    (
        "lidocaine",
        "Lidocaine",
        ("lignocaine", "xylocaine", "lidocaine hydrochloride", "lidocaine hcl"),
        ("amide_local_anaesthetics",),
    ),
    (
        "mepivacaine",
        "Mepivacaine",
        ("carbocaine", "scandicaine", "scandonest", "mepivacaine hydrochloride"),
        ("amide_local_anaesthetics",),
    ),
    (
        "procaine",
        "Procaine",
        ("novocaine", "novocain", "procaine hydrochloride"),
        ("ester_local_anaesthetics", "paba"),
    ),
    (
        "benzocaine",
        "Benzocaine",
        ("ethyl aminobenzoate", "ethyl 4-aminobenzoate", "anaesthesin", "anesthesin"),
        ("ester_local_anaesthetics", "paba"),
    ),
)


# --------------------------------------------------------------------------------------------
# Formulations: (id, name, indications, ingredients as (substance code, concentration)).
#
# Sources for the compositions:
# - PC/DC: the Lipostabil-type mixture of 5% phosphatidylcholine solubilised with 2.5% sodium
#   deoxycholate. Rotunda A.M. et al., Dermatol Surg, 2004; Duncan D.I., Palmer M., Aesthetic
#   Plast Surg, 2008; Schuller-Petrovic S. et al., tissue effects of PC/DC in rats and a human
#   volunteer, Dermatol Surg, 2008; Duncan D., Rotunda A.M., injectable therapies for
#   localised fat loss, Clin Plast Surg, 2011.
# - Deoxycholate 1%: Kybella / Belkyra (deoxycholic acid 10 mg/mL) prescribing information,
#   2015; Rzany B. et al., ATX-101 for submental fat, Br J Dermatol, 2014.
# - Cellulite cocktails (methylxanthines, L-carnitine, artichoke, melilotus, organic silicon,
#   pentoxifylline, ginkgo, centella) and the addition of procaine/lidocaine/mepivacaine to
#   reduce injection pain: Rotunda & Kolodney 2006; Konda & Thappa 2013; Caruso et al. 2008;
#   Mammucari et al. 2011 (consensus: the anaesthetic is optional and recorded per mixture).
# - Facial "biorevitalisation" (non-crosslinked HA about 5 mg/mL with vitamins, amino acids and
#   minerals): Iorizzo et al. 2008; Savoia et al. 2013; Amin S.P. et al., mesotherapy for
#   facial skin rejuvenation, Dermatol Surg, 2006; Lacarrubba F. et al., ultrasound assessment
#   of mesotherapy for skin rejuvenation, J Cosmet Dermatol, 2008.
# - Lidocaine 0.3% is the concentration used in hyaluronic acid injectables with integrated
#   anaesthetic (e.g. Juvederm XC / Restylane-L product information).
# - DMAE firming: Grossman 2005. Glutathione and vitamin C brightening: Sonthalia et al. 2016.
# Minor-ingredient concentrations in multi-component cocktails are representative values and
# must be replaced by the batch label when a clinic registers its own products.
# --------------------------------------------------------------------------------------------

FORMULATION_ID_NAMESPACE: Final = "meso-clinic:formulation:"


def _formulation_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, FORMULATION_ID_NAMESPACE + slug)


LIPOLYTIC_PC_DC_ID: Final = _formulation_id("lipolytic-pc-dc")
DEOXYCHOLATE_1_PERCENT_ID: Final = _formulation_id("deoxycholate-1-percent")
LIPOLYTIC_MEPIVACAINE_ID: Final = _formulation_id("lipolytic-caffeine-carnitine-mepivacaine")
CELLULITE_DRAINING_ID: Final = _formulation_id("cellulite-draining-cocktail")
CELLULITE_LIDOCAINE_ID: Final = _formulation_id("cellulite-with-lidocaine")
CELLULITE_VASCULAR_PROCAINE_ID: Final = _formulation_id("cellulite-vascular-procaine")
FACE_REVITALISING_ID: Final = _formulation_id("face-revitalising-ha-vitamins")
SKIN_BRIGHTENING_ID: Final = _formulation_id("skin-brightening-glutathione")
FACE_LIFTING_DMAE_ID: Final = _formulation_id("face-lifting-dmae-silicon")
FACE_NECK_FIRMING_LIDOCAINE_ID: Final = _formulation_id("face-neck-firming-lidocaine")

FORMULATIONS: Final[
    tuple[tuple[uuid.UUID, str, tuple[str, ...], tuple[tuple[str, str], ...]], ...]
] = (
    (
        LIPOLYTIC_PC_DC_ID,
        "Lipolytic PC/DC",
        ("local_fat", "cellulite"),
        (
            ("phosphatidylcholine", "50 mg/mL"),
            ("sodium_deoxycholate", "25 mg/mL"),
        ),
    ),
    (
        DEOXYCHOLATE_1_PERCENT_ID,
        "Deoxycholate 1% (submental and small fat pads)",
        ("local_fat",),
        (("sodium_deoxycholate", "10 mg/mL"),),
    ),
    (
        LIPOLYTIC_MEPIVACAINE_ID,
        "Lipolytic cocktail (caffeine, L-carnitine, yohimbine) with mepivacaine",
        ("local_fat",),
        (
            ("caffeine", "25 mg/mL"),
            ("l_carnitine", "100 mg/mL"),
            ("yohimbine", "0.5 mg/mL"),
            ("mepivacaine", "1%"),
        ),
    ),
    (
        CELLULITE_DRAINING_ID,
        "Cellulite draining cocktail (caffeine, artichoke, L-carnitine)",
        ("cellulite",),
        (
            ("caffeine", "25 mg/mL"),
            ("artichoke_extract", "2%"),
            ("l_carnitine", "100 mg/mL"),
        ),
    ),
    (
        CELLULITE_LIDOCAINE_ID,
        "Cellulite with lidocaine (aminophylline, melilotus, organic silicon)",
        ("cellulite",),
        (
            ("aminophylline", "25 mg/mL"),
            ("melilotus", "1%"),
            ("organic_silicon", "1.3 mg/mL"),
            ("lidocaine", "0.5%"),
        ),
    ),
    (
        CELLULITE_VASCULAR_PROCAINE_ID,
        "Cellulite microcirculation (pentoxifylline, ginkgo, centella) with procaine",
        ("cellulite",),
        (
            ("pentoxifylline", "20 mg/mL"),
            ("ginkgo_biloba", "3.5 mg/mL"),
            ("centella_asiatica", "1%"),
            ("procaine", "1%"),
        ),
    ),
    (
        FACE_REVITALISING_ID,
        "Face revitalising (HA + vitamins)",
        ("skin_rejuvenation",),
        (
            ("hyaluronic_acid", "5 mg/mL"),
            ("vitamin_a", "0.1 mg/mL"),
            ("vitamin_c", "0.1 mg/mL"),
            ("vitamin_e", "0.05 mg/mL"),
            ("vitamin_b_complex", "0.5 mg/mL"),
            ("amino_acids", "1 mg/mL"),
            ("zinc", "0.01 mg/mL"),
        ),
    ),
    (
        SKIN_BRIGHTENING_ID,
        "Skin brightening (glutathione, vitamin C)",
        ("skin_rejuvenation",),
        (
            ("glutathione", "60 mg/mL"),
            ("vitamin_c", "50 mg/mL"),
        ),
    ),
    (
        FACE_LIFTING_DMAE_ID,
        "Face lifting (DMAE + organic silicon)",
        ("face_lifting", "skin_rejuvenation"),
        (
            ("dmae", "3%"),
            ("organic_silicon", "1.3 mg/mL"),
        ),
    ),
    (
        FACE_NECK_FIRMING_LIDOCAINE_ID,
        "Face and neck firming (HA, organic silicon, biotin) with lidocaine",
        ("face_lifting",),
        (
            ("hyaluronic_acid", "10 mg/mL"),
            ("organic_silicon", "1.3 mg/mL"),
            ("biotin", "5 mg/mL"),
            ("lidocaine", "0.3%"),
        ),
    ),
)


# --------------------------------------------------------------------------------------------
# Contraindications: (code, name, kind). Known allergies are not listed here: they are
# recorded per patient and checked against the allergen classes above.
#
# Sources:
# - Mammucari M. et al., Eur Rev Med Pharmacol Sci, 2011 (Italian consensus: pregnancy,
#   breastfeeding, infection at the site, anticoagulation, immunosuppression and serious
#   systemic disease as reasons not to treat or to treat with caution).
# - Duncan D.I., Palmer M., Aesthetic Plast Surg, 2008 (PC/DC: pregnancy, lactation, active
#   infection, malignancy, severe hepatic/renal disease, coagulopathy, autoimmune disease,
#   diabetes, cardiovascular disease).
# - Konda D., Thappa D.M., Indian J Dermatol Venereol Leprol, 2013; Atiyeh B.S. et al.,
#   cosmetic mesotherapy between evidence and business, Aesthetic Plast Surg, 2008.
# - Kybella (deoxycholic acid) prescribing information, 2015 (bleeding/haematoma with
#   anticoagulants or antiplatelets, infection at the site).
# - Methylxanthines and yohimbine: tachyarrhythmia, hypertension, lowered seizure threshold,
#   thyrotoxicosis as cautions (aminophylline/theophylline and pentoxifylline product
#   information; Goodman & Gilman). Lidocaine: systemic toxicity increased in hepatic failure
#   and heart block (lidocaine product information).
# - Spring L.K. et al., isotretinoin and timing of procedural interventions, systematic
#   review and consensus recommendations, JAMA Dermatol, 2017 (caution, not a hard bar).
# Classification is an editorial choice of this catalogue: "absolute" = do not treat an
# elective aesthetic indication; "relative" = practitioner judgement, possibly after medical
# clearance or prophylaxis.
# --------------------------------------------------------------------------------------------

CONTRAINDICATIONS: Final[tuple[tuple[str, str, str], ...]] = (
    ("pregnancy", "Pregnancy", "absolute"),
    ("breastfeeding", "Breastfeeding", "absolute"),
    ("active_infection_at_site", "Active infection at the treatment site", "absolute"),
    ("active_cancer", "Active cancer or ongoing oncological treatment", "absolute"),
    (
        "severe_cardiovascular_disease",
        "Severe or unstable cardiovascular disease (arrhythmia, heart failure, recent MI)",
        "absolute",
    ),
    ("kidney_or_liver_failure", "Severe kidney or liver failure", "absolute"),
    (
        "active_venous_thrombosis",
        "Active deep vein thrombosis or thrombophlebitis",
        "absolute",
    ),
    ("anticoagulant_therapy", "Anticoagulant or antiplatelet therapy", "relative"),
    ("bleeding_disorder", "Bleeding or coagulation disorder", "relative"),
    ("diabetes", "Diabetes mellitus", "relative"),
    ("autoimmune_disease", "Autoimmune or connective tissue disease", "relative"),
    ("immunosuppression", "Immunosuppression or immunosuppressive therapy", "relative"),
    ("keloid_tendency", "Tendency to keloid or hypertrophic scarring", "relative"),
    ("hypertension", "Arterial hypertension", "relative"),
    ("hyperthyroidism", "Hyperthyroidism", "relative"),
    ("epilepsy", "Epilepsy", "relative"),
    ("recent_isotretinoin", "Oral isotretinoin within the last 6 months", "relative"),
    ("recurrent_herpes_simplex", "Recurrent herpes simplex (facial treatments)", "relative"),
)


# --------------------------------------------------------------------------------------------
# Row builders and migration steps.
# --------------------------------------------------------------------------------------------


def _substance_links() -> list[tuple[str, str]]:
    return [(code, cls) for code, _, _, classes in SUBSTANCES for cls in classes]


def _indication_rows() -> list[tuple[uuid.UUID, str]]:
    return [(fid, ind) for fid, _, indications, _ in FORMULATIONS for ind in indications]


def _ingredient_rows() -> list[tuple[uuid.UUID, str, str]]:
    return [
        (fid, sub, conc) for fid, _, _, ingredients in FORMULATIONS for sub, conc in ingredients
    ]


def upgrade() -> None:
    rows: list[tuple[sa.TableClause, list[dict[str, Any]]]] = [
        (treatment_areas, [{"code": c, "name": n, "size_class": s} for c, n, s in TREATMENT_AREAS]),
        (
            allergen_classes,
            [{"code": c, "name": n, "aliases": list(a)} for c, n, a in ALLERGEN_CLASSES],
        ),
        (substances, [{"code": c, "name": n, "aliases": list(a)} for c, n, a, _ in SUBSTANCES]),
        (
            substance_allergen_classes,
            [{"substance_code": s, "allergen_class_code": a} for s, a in _substance_links()],
        ),
        (formulations, [{"id": f, "name": n} for f, n, _, _ in FORMULATIONS]),
        (
            formulation_indications,
            [{"formulation_id": f, "indication": i} for f, i in _indication_rows()],
        ),
        (
            formulation_ingredients,
            [
                {"formulation_id": f, "substance_code": s, "concentration": c}
                for f, s, c in _ingredient_rows()
            ],
        ),
        (contraindications, [{"code": c, "name": n, "kind": k} for c, n, k in CONTRAINDICATIONS]),
    ]
    for table, table_rows in rows:
        op.bulk_insert(table, table_rows)


def downgrade() -> None:
    # Children first; each statement removes exactly the rows inserted by upgrade().
    op.execute(
        formulation_ingredients.delete().where(
            sa.tuple_(
                formulation_ingredients.c.formulation_id, formulation_ingredients.c.substance_code
            ).in_([(f, s) for f, s, _ in _ingredient_rows()])
        )
    )
    op.execute(
        formulation_indications.delete().where(
            sa.tuple_(
                formulation_indications.c.formulation_id, formulation_indications.c.indication
            ).in_(_indication_rows())
        )
    )
    op.execute(formulations.delete().where(formulations.c.id.in_([f[0] for f in FORMULATIONS])))
    op.execute(
        substance_allergen_classes.delete().where(
            sa.tuple_(
                substance_allergen_classes.c.substance_code,
                substance_allergen_classes.c.allergen_class_code,
            ).in_(_substance_links())
        )
    )
    op.execute(substances.delete().where(substances.c.code.in_([s[0] for s in SUBSTANCES])))
    op.execute(
        allergen_classes.delete().where(
            allergen_classes.c.code.in_([a[0] for a in ALLERGEN_CLASSES])
        )
    )
    op.execute(
        contraindications.delete().where(
            contraindications.c.code.in_([c[0] for c in CONTRAINDICATIONS])
        )
    )
    op.execute(
        treatment_areas.delete().where(treatment_areas.c.code.in_([t[0] for t in TREATMENT_AREAS]))
    )
