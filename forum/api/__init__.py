"""The JSON API under ``<prefix>/api/v1``: the pages' services for apps, bots and scripts, with tokens and OpenAPI.

Its modules register their operations on :data:`forum.api.operations.api` when imported; the extension imports
them and nests that blueprint in the forum's, so the API shares the forum's prefix in any host.
"""
