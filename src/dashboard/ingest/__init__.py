"""Files in: bytes become validated ``units`` and ``answers`` (every rejected row explained), import
profiles and their suggestion, and the generated example round. Imports only ``domain``.
"""
