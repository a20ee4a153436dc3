"""Notifications: who hears about what, following, announcements, and the e-mail that carries them."""
