"""Pure figures over DataFrames: status per unit, shares, honest ranks, change between rounds, the
risk score, population context. Imports only ``domain``; no store, no renderer, no Streamlit.
"""
