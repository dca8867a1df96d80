"""The powder-coating shop domain: customers, inventory, catalogue, jobs and their workflow."""
