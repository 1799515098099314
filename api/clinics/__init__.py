"""clinics domain."""
