"""Messages in Japanese and English, and locale-aware formatting."""
