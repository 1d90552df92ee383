"""Service-level deadlines as stored: each conversation's clocks computed with
`carelane.sla` from its timeline and written with the change that moved them, and the
scheduler that fires their warnings and breaches exactly once."""
