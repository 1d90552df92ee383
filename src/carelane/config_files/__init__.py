"""Configuration files an admin writes (lanes, teams, service levels): read with every
problem reported by line, column and field."""
