"""Safety gates that plans and sessions run before anything is booked or injected."""
