"""What a user reads: terminal tables (and, next, the HTML report). Formats; never prints."""
