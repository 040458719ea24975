"""certportal: get Microsoft certifications counted for your company."""

__version__ = "0.1.0"
