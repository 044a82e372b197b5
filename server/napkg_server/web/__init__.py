"""The web for people: pages, dereferencing of IRIs, saved questions (``/queries``), views (``/views``),
downloads, and the Jinja templates, self-contained pages and static files they render with."""
