"""Safety gates: allergies, age, intake, contraindications, practitioner licence."""
