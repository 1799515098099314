"""Safety gates that refuse plans and sessions: allergy, age, intake, contraindications,
practitioner licence and qualification, formulation indication."""
