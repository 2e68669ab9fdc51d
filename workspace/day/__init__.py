"""The counsellors' day ("Mein Tag"), the day lists of a location and the calendar feed."""
