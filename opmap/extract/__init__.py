"""Extraction: place mentions, area statements and the event date, from an article's text."""
