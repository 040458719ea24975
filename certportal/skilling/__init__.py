"""Solutions Partner skilling points, from the knowledge base's designation rules."""
