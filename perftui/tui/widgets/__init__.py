"""Small widgets of our own: the plot (plotext), metric cards, the navigation bar, load panel."""
