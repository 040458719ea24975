"""The home page's load: every card's data in one event."""
