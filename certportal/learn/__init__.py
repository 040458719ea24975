"""Reading a person's Microsoft Learn transcript from its share link (an unofficial endpoint)."""
