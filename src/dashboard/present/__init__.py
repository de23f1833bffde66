"""What people read, without Streamlit: charts, map decks and colour scales, captions, the method
text. Pure functions from figures to figures-for-people.
"""
