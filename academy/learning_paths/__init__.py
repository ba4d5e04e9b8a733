"""Learning paths on the web: the catalog, a path's page, starting a path."""
