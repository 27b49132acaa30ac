"""One router per domain: auth, public, citizen, merchant, city, system."""
