"""One stream per person: credential events, diagnoses and support-case events, newest first."""
