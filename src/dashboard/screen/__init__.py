"""The only Streamlit layer: the one cache boundary, URL state and links, sidebar, page frame,
sections drawn on pages, the import wizard and the admin gate.
"""
