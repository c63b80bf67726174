"""Log-in and log-out: HTML pages and the JSON session API."""
