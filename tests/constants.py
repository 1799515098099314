"""Values shared by tests of several domains (a plain module: conftest files hold fixtures
only)."""

import uuid

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"

PARIS = "Europe/Paris"

# Formulations loaded by migration 0003 (by name, so the tests read like the catalogue).
CELLULITE_DRAINING = "Cellulite draining cocktail (caffeine, artichoke, L-carnitine)"
CELLULITE_LIDOCAINE = "Cellulite with lidocaine (aminophylline, melilotus, organic silicon)"
LIPOLYTIC_PC_DC = "Lipolytic PC/DC"
FACE_REVITALISING = "Face revitalising (HA + vitamins)"
# The id migration 0003 gives the formulation that contains lidocaine.
CELLULITE_LIDOCAINE_ID = uuid.uuid5(
    uuid.NAMESPACE_URL, "meso-clinic:formulation:cellulite-with-lidocaine"
)

# Prices of a euro clinic, by area code.
EUR_PRICES = {"thighs": "300.00", "buttocks": "250.00", "abdomen": "275.00", "arms": "200.00"}

# Working hours (weekday, start minute, end minute): every day, 09:00–17:00.
NINE_TO_FIVE = tuple((weekday, 9 * 60, 17 * 60) for weekday in range(7))
