"""Posts: receiving batches over HTTP and listing what was stored."""
