"""One module per CLI command; each is a thin typer wrapper around a plain function."""
