"""Threads: asking and answering, listing, accepted answers, likes, shares, curation, categories and timelines."""
