"""Figures as library functions: plain data in, a Plotly figure out (no Dash).

The pages and the command line draw through the same builders, so a figure a lecturer saves
from the command line is the one the page shows.
"""
