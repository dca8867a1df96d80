"""Report pages of the admin (SPEC R2, I6): one module per report, the shared page in base.py."""
