"""The domain of keepwarm: pure decisions and the database schema.

The pure modules (``names``, ``policy``, ``drafts``, ``schedule``) import nothing but
the standard library; ``schema`` holds the SQLAlchemy tables.
"""
