"""Documents the shop hands over: PDFs rendered from HTML templates, and their QR codes."""
