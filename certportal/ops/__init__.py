"""Operating certportal: backups and restores, the settings table of the deployment guide."""
