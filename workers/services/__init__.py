"""The pipeline's stages as plain functions over an App; none of them imports dramatiq.

poll → detect → plan → route → deliver, and the scheduler's tick that re-derives
what is owed from the database.
"""
