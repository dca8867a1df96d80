"""Views of the non-admin pages, one module per page or family of pages."""
