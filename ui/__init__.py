"""The streamlit helpers pages share: session, auth, nav, format and components/.

`core/` never imports this package (it stays free of streamlit).
"""
