"""Service levels: business-hours calendars, the policies that set each conversation's
targets, and the deadline maths that turns a conversation's timeline into exact deadlines.

Pure functions over data: no database, no clock (callers pass `now`), no network. Every
instant in and out is timezone-aware; naive datetimes are refused with a ValueError.
"""
