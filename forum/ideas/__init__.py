"""Ideas: people propose improvements and vote; the IT team answers with a status and a note everyone can read.

Each person has ``FORUM_IDEA_VOTES`` votes on open ideas at a time, so a vote means something; a vote comes back
when its idea is done, not planned, or merged into another.
"""
