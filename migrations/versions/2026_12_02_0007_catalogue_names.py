"""Catalogue names in five languages with common synonyms, and the source of every item

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:00:00

Free-text allergies are written as clinicians write them, in the clinic's language as well as
English (DESIGN section 5): this revision adds to every shipped substance and allergen class
its names in English, French, German, Spanish and Italian and the synonyms in common use (INN
and BAN names, pharmacopoeia and Latin names, trade names, vitamin names and numbers, E
numbers). The matcher (`api.safety.allergies`) folds case, accents, punctuation and number,
so each name is listed once, in its singular, with its accents.

It also adds `source` to substances, allergen classes and contraindications: where the
clinical facts of the item come from, shown by the API. The shipped rows get the sources that
revision 0003 cites for them; a row an admin added before this revision gets a text saying so
(admins must give a source from now on).

Sources of the names:
- WHO, International Nonproprietary Names (INN) for pharmaceutical substances, cumulative
  list no. 19 (2021) and the Recommended INN lists, which give each name in Latin, English,
  French and Spanish (lidocaine / lidocaïne / lidocaína / lidocainum; procaine, mepivacaine,
  benzocaine, levocarnitine, pentoxifylline, theophylline, aminophylline, caffeine, biotin,
  deanol, glutathione).
- British Approved Names (BAN) as superseded by the INN (lignocaine, amethocaine,
  oxpentifylline), British Pharmacopoeia 2024, appendix on changes of name.
- European Pharmacopoeia 11th ed. monograph titles in English, French and Latin (Lidocaine
  hydrochloride / Lidocaïne (chlorhydrate de) / Lidocaini hydrochloridum; Ascorbic acid /
  Acidum ascorbicum; Sodium hyaluronate / Natrii hyaluronas; Artichoke leaf / Cynarae folium;
  Centella / Centellae asiaticae herba; Ginkgo leaf / Ginkgo folium; Melilot / Meliloti
  herba), and the national names of the German (DAB / Ph. Eur. German edition: Lidocain,
  Procain, Coffein, Theophyllin, Ascorbinsäure), Spanish (Real Farmacopea Española) and
  Italian (Farmacopea Ufficiale della Repubblica Italiana) editions.
- Regulation (EU) No 1169/2011, Annex II (allergens to be labelled), in its French, German,
  Spanish and Italian versions (soja / Soja / soja / soia; œufs / Eier / huevos / uova), and
  Regulation (EU) No 231/2012 for the E numbers of food additives (E300 ascorbic acid, E306 /
  E307 tocopherols, E322 lecithins).
- EU CosIng / INCI names for cosmetic ingredients (ascorbyl palmitate, tocopheryl acetate,
  niacinamide, panthenol, retinyl palmitate, methylsilanol).
- Vitamin names and numbers: IUPAC-IUB Commission on Biochemical Nomenclature,
  nomenclature of vitamins (1973) (vitamin B1 thiamine, B2 riboflavin, B3 niacin /
  nicotinamide, B5 pantothenic acid, B6 pyridoxine, B7 / H biotin, in French usage B8, B9
  folic acid, B12 cobalamins; vitamin PP for niacin in French usage).
- Trade names from the product information of the medicines (Xylocaine, Xylonor, EMLA,
  Novocain, Carbocaine, Scandonest, Polocaine, Marcaine, Naropin, Citanest, Septanest,
  Pontocaine, Orajel, Lipostabil, Essentiale, Euphyllin, Torental, Carnitor, Madecassol,
  Tanakan, Tebonin, Conjonctyl, Juvéderm, Restylane, Teosyal, Profhilo, Tationil).
- Plant names: Asteraceae allergens and their vernacular names, Paulsen E., Contact
  Dermatitis, 2002 (compositae mix: arnica, chamomile, feverfew, tansy, yarrow, dandelion,
  marigold), and the EMA/HMPC herbal monographs (artichoke leaf, centella, ginkgo, melilot)
  for the names in the EU languages.
- The para group (benzocaine, PABA, p-phenylenediamine cross-sensitivity): Eggleston and Lush,
  Ann Pharmacother, 1996; PABA as "vitamin Bx": IUPAC-IUB 1973 (a name no longer recommended,
  still found in supplements).
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Final

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision_0003() -> ModuleType:
    # The aliases revision 0003 shipped, read from that frozen file so that downgrade gives
    # back exactly those (a migration must not import the application, which keeps changing).
    path = Path(__file__).with_name("2026_11_25_0003_catalogue_data.py")
    spec = importlib.util.spec_from_file_location("_catalogue_data_0003", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_DATA_0003 = _revision_0003()
_AliasList = _DATA_0003._AliasList

substances = sa.table(
    "substances",
    sa.column("code", sa.String(40)),
    sa.column("aliases", _AliasList()),
    sa.column("source", sa.Text()),
)
allergen_classes = sa.table(
    "allergen_classes",
    sa.column("code", sa.String(40)),
    sa.column("aliases", _AliasList()),
    sa.column("source", sa.Text()),
)
contraindications = sa.table(
    "contraindications",
    sa.column("code", sa.String(40)),
    sa.column("source", sa.Text()),
)

PREVIOUS_SUBSTANCE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    code: aliases for code, _, aliases, _ in _DATA_0003.SUBSTANCES
}
PREVIOUS_CLASS_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    code: aliases for code, _, aliases in _DATA_0003.ALLERGEN_CLASSES
}


# --------------------------------------------------------------------------------------------
# Allergen classes: the names added, per language (en = synonyms not listed by 0003).
# --------------------------------------------------------------------------------------------

CLASS_NAMES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "soy": {
        "en": ("soy lecithin allergy", "soya protein", "soybean oil"),
        "fr": ("soja", "fève de soja", "graine de soja", "protéine de soja", "huile de soja"),
        "de": ("sojabohne", "sojaeiweiß", "sojaprotein", "sojaöl"),
        "es": ("haba de soja", "semilla de soja", "proteína de soja", "aceite de soja"),
        "it": ("soia", "fagiolo di soia", "semi di soia", "proteine di soia", "olio di soia"),
    },
    "egg": {
        "en": ("chicken egg", "albumen", "egg albumin", "egg protein"),
        "fr": ("œuf", "œuf de poule", "blanc d'œuf", "jaune d'œuf", "ovalbumine", "ovomucoïde"),
        "de": ("ei", "eier", "hühnerei", "hühnereiweiß", "eiweiß", "eigelb", "eidotter"),
        "es": ("huevo", "huevo de gallina", "clara de huevo", "yema de huevo", "ovoalbúmina"),
        "it": ("uovo", "uova", "uovo di gallina", "albume", "tuorlo", "ovoalbumina"),
    },
    "methylxanthines": {
        "en": ("xanthine", "purine alkaloid", "purine alkaloids"),
        "fr": ("méthylxanthine", "dérivé xanthique", "dérivés de la xanthine"),
        "de": ("methylxanthin", "xanthinderivat", "xanthin"),
        "es": ("metilxantina", "derivado de la xantina", "derivado xantínico", "xantina"),
        "it": ("metilxantina", "derivato xantinico", "derivati della xantina", "xantina"),
    },
    "ethylenediamine": {
        "en": ("ethane-1,2-diamine", "edamine"),
        "fr": ("éthylènediamine", "éthylène diamine", "éthylène-diamine"),
        "de": ("ethylendiamin", "äthylendiamin"),
        "es": ("etilendiamina", "etilenodiamina"),
        "it": ("etilendiammina", "etilendiamina"),
    },
    "asteraceae": {
        "en": (
            "aster",
            "daisy",
            "compositae mix",
            "feverfew",
            "tansy",
            "yarrow",
            "dandelion",
            "marigold",
            "calendula",
            "echinacea",
            "sunflower",
            "chrysanthemum",
            "sesquiterpene lactone",
        ),
        "fr": (
            "astéracée",
            "composée",
            "famille des composées",
            "ambroisie",
            "armoise",
            "camomille",
            "matricaire",
            "pissenlit",
            "souci",
            "tournesol",
        ),
        "de": (
            "korbblütler",
            "korbblütengewächs",
            "asteracee",
            "komposite",
            "ambrosia",
            "beifuß",
            "kamille",
            "arnika",
            "löwenzahn",
            "ringelblume",
            "sonnenblume",
        ),
        "es": (
            "asterácea",
            "compuesta",
            "familia de las compuestas",
            "ambrosía",
            "artemisa",
            "manzanilla",
            "árnica",
            "diente de león",
            "caléndula",
            "girasol",
        ),
        "it": (
            "asteracea",
            "famiglia delle composite",
            "ambrosia",
            "artemisia",
            "camomilla",
            "tarassaco",
            "calendula",
            "girasole",
        ),
    },
    "amide_local_anaesthetics": {
        "en": (
            "amide type local anaesthetic",
            "amide type local anesthetic",
            "local anaesthetic of the amide type",
            "local anesthetic of the amide type",
            "amide group local anaesthetic",
            "aminoamide",
            "amino amide local anaesthetic",
            "amino amide local anesthetic",
            "amide caine",
            "cinchocaine",
            "dibucaine",
            "etidocaine",
            "marcaine",
            "sensorcaine",
            "naropin",
            "citanest",
            "septanest",
            "ubistesin",
        ),
        "fr": (
            "anesthésique local de type amide",
            "anesthésique local amide",
            "anesthésique local aminoamide",
            "anesthésique amide",
            "articaïne",
            "bupivacaïne",
            "prilocaïne",
            "ropivacaïne",
        ),
        "de": (
            "lokalanästhetikum vom amidtyp",
            "lokalanästhetikum vom amid-typ",
            "amid-lokalanästhetikum",
            "amidlokalanästhetikum",
            "lokalanästhetika vom amidtyp",
            "amid-lokalanästhetika",
            "articain",
            "bupivacain",
            "prilocain",
            "ropivacain",
        ),
        "es": (
            "anestésico local de tipo amida",
            "anestésico local tipo amida",
            "anestésico local amida",
            "anestésico amida",
            "articaína",
            "bupivacaína",
            "prilocaína",
            "ropivacaína",
        ),
        "it": (
            "anestetico locale di tipo amidico",
            "anestetico locale amidico",
            "anestetico amidico",
            "articaina",
            "bupivacaina",
            "prilocaina",
            "ropivacaina",
        ),
    },
    "ester_local_anaesthetics": {
        "en": (
            "ester type local anaesthetic",
            "ester type local anesthetic",
            "local anaesthetic of the ester type",
            "local anesthetic of the ester type",
            "aminoester",
            "amino ester local anaesthetic",
            "amino ester local anesthetic",
            "cocaine",
            "pontocaine",
            "oxybuprocaine",
            "proxymetacaine",
        ),
        "fr": (
            "anesthésique local de type ester",
            "anesthésique local ester",
            "anesthésique ester",
            "tétracaïne",
            "améthocaïne",
            "chloroprocaïne",
            "cocaïne",
        ),
        "de": (
            "lokalanästhetikum vom estertyp",
            "lokalanästhetikum vom ester-typ",
            "ester-lokalanästhetikum",
            "esterlokalanästhetikum",
            "lokalanästhetika vom estertyp",
            "tetracain",
            "chloroprocain",
            "kokain",
        ),
        "es": (
            "anestésico local de tipo éster",
            "anestésico local tipo éster",
            "anestésico éster",
            "tetracaína",
            "cloroprocaína",
            "cocaína",
        ),
        "it": (
            "anestetico locale di tipo estere",
            "anestetico locale estere",
            "anestetico estere",
            "tetracaina",
            "cloroprocaina",
            "cocaina",
        ),
    },
    "paba": {
        "en": (
            "aminobenzoate",
            "vitamin bx",
            "vitamin b10",
            "p-phenylenediamine",
            "para-phenylenediamine",
            "paraphenylenediamine",
        ),
        "fr": ("acide para-aminobenzoïque", "acide p-aminobenzoïque", "acide aminobenzoïque"),
        "de": ("para-aminobenzoesäure", "p-aminobenzoesäure", "4-aminobenzoesäure"),
        "es": ("ácido para-aminobenzoico", "ácido paraaminobenzoico", "ácido aminobenzoico"),
        "it": ("acido para-amminobenzoico", "acido para-aminobenzoico", "acido amminobenzoico"),
    },
    "bile_acids": {
        "en": ("bile", "deoxycholate salt", "cholic acid derivative"),
        "fr": ("acide biliaire", "sel biliaire"),
        "de": ("gallensäure", "gallensalz"),
        "es": ("ácido biliar", "sal biliar"),
        "it": ("acido biliare", "sale biliare"),
    },
}


# --------------------------------------------------------------------------------------------
# Substances: the names added, per language (en = INN, BAN, Latin, trade names and synonyms
# not listed by 0003).
# --------------------------------------------------------------------------------------------

SUBSTANCE_NAMES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "phosphatidylcholine": {
        "en": (
            "phosphatidyl choline",
            "polyenylphosphatidylcholine",
            "soybean lecithin",
            "e322",
            "pc/dc",
            "essentiale",
        ),
        "fr": ("phosphatidylcholine", "lécithine", "lécithine de soja", "lécithine d'œuf"),
        "de": ("phosphatidylcholin", "lecithin", "lezithin", "sojalecithin", "eilecithin"),
        "es": ("fosfatidilcolina", "lecitina", "lecitina de soja", "lecitina de huevo"),
        "it": ("fosfatidilcolina", "lecitina", "lecitina di soia", "lecitina d'uovo"),
    },
    "sodium_deoxycholate": {
        "en": ("deoxycholate sodium", "natrii deoxycholas", "pc/dc"),
        "fr": ("désoxycholate de sodium", "désoxycholate", "acide désoxycholique"),
        "de": ("natriumdesoxycholat", "desoxycholat", "desoxycholsäure"),
        "es": ("desoxicolato de sodio", "desoxicolato sódico", "ácido desoxicólico"),
        "it": ("desossicolato di sodio", "desossicolato sodico", "acido desossicolico"),
    },
    "caffeine": {
        "en": (
            "caffeinum",
            "anhydrous caffeine",
            "caffeine citrate",
            "methyltheobromine",
            "theine",
        ),
        "fr": ("caféine", "citrate de caféine", "théine"),
        "de": ("koffein", "coffein", "tein"),
        "es": ("cafeína", "teína"),
        "it": ("caffeina", "teina"),
    },
    "aminophylline": {
        "en": ("aminophyllinum", "euphyllin", "phyllocontin"),
        "fr": ("aminophylline", "euphylline", "théophylline éthylènediamine"),
        "de": ("aminophyllin", "theophyllin-ethylendiamin"),
        "es": ("aminofilina", "teofilina etilendiamina"),
        "it": ("aminofillina", "teofillina etilendiammina"),
    },
    "theophylline": {
        "en": ("theophyllinum", "uniphyllin", "nuelin", "theo-dur"),
        "fr": ("théophylline",),
        "de": ("theophyllin",),
        "es": ("teofilina",),
        "it": ("teofillina",),
    },
    "pentoxifylline": {
        "en": ("pentoxifyllinum", "pentoxyphylline", "torental"),
        "fr": ("pentoxifylline",),
        "de": ("pentoxifyllin",),
        "es": ("pentoxifilina",),
        "it": ("pentossifillina",),
    },
    "l_carnitine": {
        "en": ("levocarnitinum", "carnitor", "vitamin bt"),
        "fr": ("l-carnitine", "lévocarnitine"),
        "de": ("l-carnitin", "carnitin", "levocarnitin"),
        "es": ("l-carnitina", "carnitina", "levocarnitina"),
        "it": ("l-carnitina", "carnitina", "levocarnitina"),
    },
    "artichoke_extract": {
        "en": (
            "globe artichoke",
            "artichoke leaf extract",
            "artichoke leaves",
            "cynarae folium",
            "cynara cardunculus",
        ),
        "fr": ("artichaut", "extrait d'artichaut", "feuille d'artichaut", "chophytol"),
        "de": ("artischocke", "artischockenextrakt", "artischockenblätter", "artischockenblatt"),
        "es": ("alcachofa", "alcaucil", "extracto de alcachofa", "hoja de alcachofa"),
        "it": ("carciofo", "estratto di carciofo", "foglia di carciofo"),
    },
    "centella_asiatica": {
        "en": (
            "indian pennywort",
            "centellae asiaticae herba",
            "asiaticoside",
            "madecassic acid",
            "madecassol",
        ),
        "fr": ("centella", "centelle asiatique", "hydrocotyle asiatique", "extrait de centella"),
        "de": ("asiatischer wassernabel", "tigergras", "indischer wassernabel"),
        "es": ("centella asiática", "gotu kola", "extracto de centella"),
        "it": ("centella asiatica", "idrocotile", "estratto di centella"),
    },
    "ginkgo_biloba": {
        "en": ("maidenhair tree", "ginkgo folium", "ginkgo leaf", "tanakan", "tebonin"),
        "fr": ("ginkgo", "arbre aux quarante écus", "extrait de ginkgo"),
        "de": ("ginkgoblätter", "ginkgo-extrakt", "fächerblattbaum"),
        "es": ("ginkgo", "extracto de ginkgo"),
        "it": ("ginkgo", "estratto di ginkgo"),
    },
    "melilotus": {
        "en": ("meliloti herba", "common melilot", "ribbed melilot", "melilot extract"),
        "fr": ("mélilot", "mélilot officinal", "extrait de mélilot"),
        "de": ("steinklee", "echter steinklee", "gelber steinklee", "honigklee"),
        "es": ("meliloto", "trébol dulce", "extracto de meliloto"),
        "it": ("meliloto", "estratto di meliloto"),
    },
    "yohimbine": {
        "en": ("yohimbinum", "quebrachine", "pausinystalia yohimbe"),
        "fr": ("yohimbine", "chlorhydrate de yohimbine"),
        "de": ("yohimbin", "johimbin"),
        "es": ("yohimbina",),
        "it": ("yohimbina", "ioimbina"),
    },
    "organic_silicon": {
        "en": ("methylsilanol", "silanol", "organic silica"),
        "fr": ("monométhylsilanetriol", "silicium organique"),
        "de": ("organisches silizium", "organisches silicium", "monomethylsilantriol"),
        "es": ("silicio orgánico", "monometilsilanotriol"),
        "it": ("silicio organico", "monometilsilanetriolo"),
    },
    "hyaluronic_acid": {
        "en": (
            "natrii hyaluronas",
            "hyaluronic acid filler",
            "juvederm",
            "restylane",
            "teosyal",
            "profhilo",
        ),
        "fr": ("acide hyaluronique", "hyaluronate de sodium", "juvéderm"),
        "de": ("hyaluronsäure", "natriumhyaluronat", "hyaluron"),
        "es": ("ácido hialurónico", "hialuronato de sodio", "hialuronato sódico"),
        "it": ("acido ialuronico", "ialuronato di sodio", "ialuronato sodico"),
    },
    "vitamin_a": {
        "en": ("vitamin a1", "retinyl propionate", "axerophthol", "vit a"),
        "fr": ("vitamine a", "rétinol", "palmitate de rétinol"),
        "de": ("vitamin-a", "retinol"),
        "es": ("vitamina a", "retinol"),
        "it": ("vitamina a", "retinolo"),
    },
    "vitamin_c": {
        "en": (
            "acidum ascorbicum",
            "ascorbyl palmitate",
            "sodium ascorbyl phosphate",
            "magnesium ascorbyl phosphate",
            "e300",
            "vit c",
        ),
        "fr": ("vitamine c", "acide ascorbique", "acide l-ascorbique", "ascorbate de sodium"),
        "de": ("ascorbinsäure", "l-ascorbinsäure", "natriumascorbat"),
        "es": ("vitamina c", "ácido ascórbico", "ascorbato de sodio"),
        "it": ("vitamina c", "acido ascorbico", "ascorbato di sodio"),
    },
    "vitamin_e": {
        "en": (
            "alpha tocopherol",
            "d-alpha-tocopherol",
            "dl-alpha-tocopherol",
            "tocopheryl",
            "e306",
            "e307",
            "vit e",
        ),
        "fr": ("vitamine e", "tocophérol", "acétate de tocophérol"),
        "de": ("tocopherol", "tocopherolacetat"),
        "es": ("vitamina e", "tocoferol", "acetato de tocoferol"),
        "it": ("vitamina e", "tocoferolo", "acetato di tocoferolo"),
    },
    "vitamin_b_complex": {
        "en": (
            "vitamin b",
            "vitamin b complex",
            "vitamin b group",
            "vit b",
            "vitamin b1",
            "vitamin b2",
            "vitamin b3",
            "vitamin b5",
            "vitamin b6",
            "vitamin b9",
            "vitamin b12",
            "thiamin",
            "niacin",
            "nicotinic acid",
            "pantothenic acid",
            "panthenol",
            "dexpanthenol",
            "pyridoxal",
            "folic acid",
            "folate",
            "cobalamin",
            "hydroxocobalamin",
            "methylcobalamin",
        ),
        "fr": (
            "vitamine b",
            "vitamines du groupe b",
            "complexe vitaminique b",
            "vitamine pp",
            "acide nicotinique",
            "acide pantothénique",
            "acide folique",
            "thiamine",
            "riboflavine",
            "pyridoxine",
        ),
        "de": (
            "vitamin-b-komplex",
            "b-vitamine",
            "vitamine der b-gruppe",
            "nikotinsäure",
            "nicotinsäureamid",
            "pantothensäure",
            "folsäure",
            "thiamin",
            "riboflavin",
            "pyridoxin",
            "cobalamin",
        ),
        "es": (
            "vitamina b",
            "complejo b",
            "complejo vitamínico b",
            "vitaminas del grupo b",
            "ácido nicotínico",
            "ácido pantoténico",
            "ácido fólico",
            "tiamina",
            "riboflavina",
            "piridoxina",
            "cianocobalamina",
        ),
        "it": (
            "complesso b",
            "complesso vitaminico b",
            "vitamine del gruppo b",
            "acido nicotinico",
            "acido pantotenico",
            "acido folico",
            "tiamina",
            "riboflavina",
            "piridossina",
            "cianocobalamina",
        ),
    },
    "biotin": {
        "en": ("biotinum", "vitamin b8", "coenzyme r"),
        "fr": ("biotine", "vitamine b8", "vitamine h"),
        "de": ("vitamin-b7", "vitamin-h"),
        "es": ("biotina", "vitamina b7", "vitamina h"),
        "it": ("biotina", "vitamina b7", "vitamina h"),
    },
    "zinc": {
        "en": ("zincum", "zinc oxide", "zinc pidolate", "zinc aspartate"),
        "fr": ("gluconate de zinc", "sulfate de zinc", "oxyde de zinc"),
        "de": ("zink", "zinkgluconat", "zinksulfat", "zinkoxid"),
        "es": ("cinc", "gluconato de zinc", "sulfato de zinc", "óxido de zinc"),
        "it": ("zinco", "gluconato di zinco", "solfato di zinco", "ossido di zinco"),
    },
    "amino_acids": {
        "en": ("aminoacid", "amino acid"),
        "fr": ("acide aminé", "complexe d'acides aminés"),
        "de": ("aminosäure", "aminosäurekomplex"),
        "es": ("aminoácido", "complejo de aminoácidos"),
        "it": ("amminoacido", "aminoacido", "complesso di amminoacidi"),
    },
    "dmae": {
        "en": ("deanol bitartrate", "dimethylaminoethanol bitartrate", "n,n-dimethylethanolamine"),
        "fr": ("déanol", "diméthylaminoéthanol"),
        "de": ("dimethylaminoethanol", "deanol"),
        "es": ("dimetilaminoetanol", "deanol"),
        "it": ("dimetilaminoetanolo", "deanolo"),
    },
    "glutathione": {
        "en": ("glutathionum", "tationil", "l-glutathione reduced"),
        "fr": ("glutathion", "glutathion réduit"),
        "de": ("glutathion", "reduziertes glutathion"),
        "es": ("glutatión", "glutatión reducido"),
        "it": ("glutatione", "glutatione ridotto"),
    },
    "lidocaine": {
        "en": ("lidocainum", "lidocaini hydrochloridum", "xylonor", "xylocard", "emla"),
        "fr": ("lidocaïne", "chlorhydrate de lidocaïne", "xylocaïne"),
        "de": ("lidocain", "lidocainhydrochlorid", "xylocain"),
        "es": ("lidocaína", "lignocaína", "clorhidrato de lidocaína", "xilocaína"),
        "it": ("lidocaina", "lidocaina cloridrato", "xilocaina"),
    },
    "mepivacaine": {
        "en": ("mepivacainum", "mepivacaini hydrochloridum", "polocaine", "mepivastesin"),
        "fr": ("mépivacaïne", "chlorhydrate de mépivacaïne", "carbocaïne"),
        "de": ("mepivacain", "mepivacainhydrochlorid"),
        "es": ("mepivacaína", "clorhidrato de mepivacaína"),
        "it": ("mepivacaina", "mepivacaina cloridrato", "carbocaina"),
    },
    "procaine": {
        "en": ("procainum", "procaini hydrochloridum", "ethocaine", "gerovital"),
        "fr": ("procaïne", "chlorhydrate de procaïne", "novocaïne"),
        "de": ("procain", "procainhydrochlorid", "novocain"),
        "es": ("procaína", "clorhidrato de procaína", "novocaína"),
        "it": ("procaina", "procaina cloridrato", "novocaina"),
    },
    "benzocaine": {
        "en": ("benzocainum", "orajel", "americaine"),
        "fr": ("benzocaïne", "aminobenzoate d'éthyle"),
        "de": ("benzocain", "ethylaminobenzoat", "anästhesin"),
        "es": ("benzocaína", "aminobenzoato de etilo"),
        "it": ("benzocaina", "etile aminobenzoato"),
    },
}


# --------------------------------------------------------------------------------------------
# Sources of each item: the works revision 0003 cites for it (see its comments).
# --------------------------------------------------------------------------------------------

_ROTUNDA_2006 = (
    "Rotunda A.M., Kolodney M.S., Mesotherapy and phosphatidylcholine injections: historical "
    "clarification and review, Dermatol Surg, 2006"
)
_KONDA_2013 = (
    "Konda D., Thappa D.M., Mesotherapy: what is new?, Indian J Dermatol Venereol Leprol, 2013"
)
_CARUSO_2008 = (
    "Caruso M.K. et al., In vitro evaluation of mesotherapy solutions for lipolysis and "
    "cellulite, J Plast Reconstr Aesthet Surg, 2008"
)
_ROSSI_2000 = "Rossi A.B., Vergnanini A.L., Cellulite: a review, J Eur Acad Dermatol Venereol, 2000"
_IORIZZO_2008 = "Iorizzo M. et al., Biorejuvenation: theory and practice, Clin Dermatol, 2008"
_SAVOIA_2013 = (
    "Savoia A. et al., Mesotherapy with non-crosslinked hyaluronic acid for facial "
    "rejuvenation, Dermatol Ther (Heidelb), 2013"
)
_GOODMAN = "Goodman & Gilman's The Pharmacological Basis of Therapeutics, methylxanthines chapter"
_LOCAL_ANAESTHETICS = (
    "Eggleston S.T., Lush L.W., Understanding allergic reactions to local anesthetics, Ann "
    "Pharmacother, 1996; Becker D.E., Reed K.L., Local anesthetics: review of pharmacological "
    "considerations, Anesth Prog, 2012; Bhole M.V. et al., IgE-mediated allergy to local "
    "anaesthetics, Br J Anaesth, 2012"
)
_DEOXYCHOLATE = (
    "Rotunda A.M. et al., Detergent effects of sodium deoxycholate are a major feature of an "
    "injectable phosphatidylcholine formulation, Dermatol Surg, 2004; Kybella (deoxycholic "
    "acid) injection, US prescribing information, 2015"
)
_LECITHIN = (
    "Rotunda & Kolodney, Dermatol Surg, 2006; Asserhoj L.L. et al., Propofol in adults "
    "allergic to egg, soy or peanut, Br J Anaesth, 2016; Lipostabil N / Essentiale product "
    "information"
)
_ARTICHOKE = (
    "EMA/HMPC Community herbal monograph on Cynara scolymus L., folium, 2011; Paulsen E., "
    "Contact sensitization from Compositae-containing herbal remedies and cosmetics, Contact "
    "Dermatitis, 2002"
)
_ETHYLENEDIAMINE = (
    "Zuidema J., Ethylenediamine, profile of a sensitizing excipient, Pharm Weekbl Sci, 1985; "
    "Urbani C.E., Urticarial reaction to ethylenediamine in aminophylline following "
    "mesotherapy, Contact Dermatitis, 1994"
)

SUBSTANCE_SOURCES: Final[dict[str, str]] = {
    "phosphatidylcholine": _LECITHIN,
    "sodium_deoxycholate": _DEOXYCHOLATE,
    "caffeine": f"{_ROTUNDA_2006}; {_CARUSO_2008}; {_GOODMAN}",
    "aminophylline": (
        f"{_CARUSO_2008}; Greenway F.L., Bray G.A., Regional fat loss from the thigh in obese "
        f"women after adrenergic modulation, Clin Ther, 1987; {_GOODMAN}; {_ETHYLENEDIAMINE}"
    ),
    "theophylline": f"{_ROSSI_2000}; {_GOODMAN}",
    "pentoxifylline": f"{_ROSSI_2000}; {_GOODMAN}; pentoxifylline product information",
    "l_carnitine": f"{_ROTUNDA_2006}; {_KONDA_2013}",
    "artichoke_extract": f"{_CARUSO_2008}; {_ARTICHOKE}",
    "centella_asiatica": f"{_KONDA_2013}; {_ROSSI_2000}",
    "ginkgo_biloba": f"{_KONDA_2013}; {_ROSSI_2000}",
    "melilotus": f"{_KONDA_2013}; {_CARUSO_2008}; {_ROSSI_2000}",
    "yohimbine": (
        f"{_CARUSO_2008}; Greenway F.L., Bray G.A., Clin Ther, 1987; yohimbine product information"
    ),
    "organic_silicon": _KONDA_2013,
    "hyaluronic_acid": f"{_IORIZZO_2008}; {_SAVOIA_2013}; {_KONDA_2013}",
    "vitamin_a": f"{_IORIZZO_2008}; {_KONDA_2013}",
    "vitamin_c": (
        f"{_IORIZZO_2008}; Sonthalia S. et al., Glutathione as a skin whitening agent, Indian J "
        "Dermatol Venereol Leprol, 2016"
    ),
    "vitamin_e": f"{_IORIZZO_2008}; {_KONDA_2013}",
    "vitamin_b_complex": f"{_IORIZZO_2008}; {_KONDA_2013}",
    "biotin": f"{_IORIZZO_2008}; {_KONDA_2013}",
    "zinc": f"{_IORIZZO_2008}; {_KONDA_2013}",
    "amino_acids": f"{_IORIZZO_2008}; {_SAVOIA_2013}",
    "dmae": (
        "Grossman R., The role of dimethylaminoethanol in cosmetic dermatology, Am J Clin "
        "Dermatol, 2005"
    ),
    "glutathione": (
        "Sonthalia S. et al., Glutathione as a skin whitening agent, Indian J Dermatol Venereol "
        "Leprol, 2016"
    ),
    "lidocaine": f"{_KONDA_2013}; {_LOCAL_ANAESTHETICS}; lidocaine product information",
    "mepivacaine": f"{_KONDA_2013}; {_LOCAL_ANAESTHETICS}",
    "procaine": f"{_ROTUNDA_2006} (Pistor's original technique); {_LOCAL_ANAESTHETICS}",
    "benzocaine": _LOCAL_ANAESTHETICS,
}

CLASS_SOURCES: Final[dict[str, str]] = {
    "soy": _LECITHIN,
    "egg": _LECITHIN,
    "methylxanthines": _GOODMAN,
    "ethylenediamine": _ETHYLENEDIAMINE,
    "asteraceae": _ARTICHOKE,
    "amide_local_anaesthetics": _LOCAL_ANAESTHETICS,
    "ester_local_anaesthetics": _LOCAL_ANAESTHETICS,
    "paba": _LOCAL_ANAESTHETICS,
    "bile_acids": _DEOXYCHOLATE,
}

_MAMMUCARI_2011 = (
    "Mammucari M. et al., Mesotherapy, definition, rationale and clinical role: a consensus "
    "report from the Italian Society of Mesotherapy, Eur Rev Med Pharmacol Sci, 2011"
)
_DUNCAN_2008 = (
    "Duncan D.I., Palmer M., Fat reduction using phosphatidylcholine/sodium deoxycholate "
    "injections: standard of practice, Aesthetic Plast Surg, 2008"
)
_ATIYEH_2008 = (
    "Atiyeh B.S. et al., Cosmetic mesotherapy: between scientific evidence, science fiction, "
    "and lucrative business, Aesthetic Plast Surg, 2008"
)
_GENERAL = f"{_MAMMUCARI_2011}; {_DUNCAN_2008}; {_KONDA_2013}; {_ATIYEH_2008}"
_XANTHINE_CAUTIONS = (
    f"{_GOODMAN}; aminophylline, theophylline and pentoxifylline product information"
)

CONTRAINDICATION_SOURCES: Final[dict[str, str]] = {
    "pregnancy": _GENERAL,
    "breastfeeding": _GENERAL,
    "active_infection_at_site": (
        f"{_GENERAL}; Kybella (deoxycholic acid) prescribing information, 2015"
    ),
    "active_cancer": f"{_MAMMUCARI_2011}; {_DUNCAN_2008}",
    "severe_cardiovascular_disease": (
        f"{_DUNCAN_2008}; {_XANTHINE_CAUTIONS}; lidocaine product information"
    ),
    "kidney_or_liver_failure": f"{_DUNCAN_2008}; lidocaine product information",
    "active_venous_thrombosis": f"{_MAMMUCARI_2011}; {_DUNCAN_2008}",
    "anticoagulant_therapy": (
        f"{_MAMMUCARI_2011}; Kybella (deoxycholic acid) prescribing information, 2015"
    ),
    "bleeding_disorder": f"{_DUNCAN_2008}; Kybella prescribing information, 2015",
    "diabetes": _DUNCAN_2008,
    "autoimmune_disease": f"{_MAMMUCARI_2011}; {_DUNCAN_2008}",
    "immunosuppression": _MAMMUCARI_2011,
    "keloid_tendency": f"{_KONDA_2013}; {_ATIYEH_2008}",
    "hypertension": f"{_XANTHINE_CAUTIONS}; yohimbine product information",
    "hyperthyroidism": _XANTHINE_CAUTIONS,
    "epilepsy": f"{_XANTHINE_CAUTIONS}; yohimbine product information",
    "recent_isotretinoin": (
        "Spring L.K. et al., Isotretinoin and timing of procedural interventions: a systematic "
        "review with consensus recommendations, JAMA Dermatol, 2017"
    ),
    "recurrent_herpes_simplex": f"{_KONDA_2013}; {_ATIYEH_2008}",
}

# What a row that an admin added before this revision (so without a source) gets.
UNRECORDED_SOURCE: Final = "Added by an administrator before sources were recorded."


def added_aliases(
    names: dict[str, dict[str, tuple[str, ...]]], previous: dict[str, tuple[str, ...]]
) -> dict[str, list[str]]:
    """Per code, the names of every language that 0003 did not already list, in order."""
    added: dict[str, list[str]] = {}
    for code, by_language in names.items():
        kept = set(previous[code])
        fresh = [n for language in by_language.values() for n in language if n not in kept]
        added[code] = list(dict.fromkeys(fresh))
    return added


def _set_aliases(
    table: sa.TableClause, aliases: dict[str, tuple[str, ...]], extra: dict[str, list[str]]
) -> None:
    for code, previous in aliases.items():
        op.execute(
            table.update()
            .where(table.c.code == code)
            .values(aliases=[*previous, *extra.get(code, [])])
        )


def upgrade() -> None:
    tables = (
        (substances, SUBSTANCE_SOURCES),
        (allergen_classes, CLASS_SOURCES),
        (contraindications, CONTRAINDICATION_SOURCES),
    )
    # NOT NULL from the start, with the text of an unsourced row as a default only while the
    # rows are filled: SQLite cannot make an added column NOT NULL afterwards without rebuilding
    # the table, which its foreign keys forbid inside this transaction. PostgreSQL drops the
    # default at once; on SQLite it stays in the table's DDL (no row is written without a
    # source: the application always gives one, and admins must).
    for table, sources in tables:
        with op.batch_alter_table(table.name) as batch:
            batch.add_column(
                sa.Column("source", sa.Text(), nullable=False, server_default=UNRECORDED_SOURCE)
            )
        for code, source in sources.items():
            op.execute(table.update().where(table.c.code == code).values(source=source))
        if op.get_bind().dialect.name != "sqlite":
            op.alter_column(table.name, "source", server_default=None)
    _set_aliases(
        substances,
        PREVIOUS_SUBSTANCE_ALIASES,
        added_aliases(SUBSTANCE_NAMES, PREVIOUS_SUBSTANCE_ALIASES),
    )
    _set_aliases(
        allergen_classes,
        PREVIOUS_CLASS_ALIASES,
        added_aliases(CLASS_NAMES, PREVIOUS_CLASS_ALIASES),
    )


def downgrade() -> None:
    _set_aliases(substances, PREVIOUS_SUBSTANCE_ALIASES, {})
    _set_aliases(allergen_classes, PREVIOUS_CLASS_ALIASES, {})
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would trip the foreign keys.
    for name in ("contraindications", "allergen_classes", "substances"):
        op.drop_column(name, "source")
