"""Placeholder until this page is built."""

import streamlit as st

import ui

ui.require_user()
st.title("followups")
