"""GS1 and scanning: keys and check digits, element strings, what a scanner sent."""
