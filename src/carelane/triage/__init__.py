"""Triage: what a post is, how its author feels, which lane owns it and how urgent it is.

Pure functions over data: no database, no clock, no network. The models it uses are
trained by `carelane train` from the real data sets and ship inside this package.
"""
