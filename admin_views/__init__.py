"""Pages that are not stock admin pages: shop-floor screens, documents, reports."""
