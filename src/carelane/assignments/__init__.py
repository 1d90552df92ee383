"""Assignments: who holds which conversation, changed only through `service`'s `do_*`
functions, each validating with the pure policies of `carelane.routing`, writing and
appending its event in one transaction.

A package of its own rather than `routing/service.py`: `routing` promises pure policies
with no database, and keeping the store out of it keeps that promise checkable.
"""
