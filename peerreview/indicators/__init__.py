"""Key figures (kengetallen): indicators, values per area and period, reference groups, CSV import, charts."""
