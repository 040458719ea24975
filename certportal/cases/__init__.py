"""Support cases: a person's requests to Microsoft and the exam providers, with their history."""
