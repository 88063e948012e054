"""The search engine: the only package that talks to FLAML."""
