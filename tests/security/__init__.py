"""Security tests generated from the URL resolver and the forms the app shows."""
