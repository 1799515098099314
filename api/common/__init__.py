"""Building blocks shared by every domain: clock, types, pagination, base schema."""
