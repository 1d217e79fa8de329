"""Refreshers: short pieces of learning on the rules the product encodes, due per agent."""
