"""Everything certportal holds about one person, as one JSON document (export and import)."""
