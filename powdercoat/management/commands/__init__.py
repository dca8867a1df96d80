"""The shop's own manage.py commands, such as seed_demo."""
