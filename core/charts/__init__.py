"""Pure chart builders returning `alt.Chart`, one module per area of the product."""
