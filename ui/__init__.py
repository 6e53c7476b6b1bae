"""The Streamlit app's helpers: session state, widgets bound to the draft deal, results and charts.

Only the app imports this package; ``valueshare`` never does.
"""
