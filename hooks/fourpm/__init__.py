"""The "4 pour 1000" site's own logic: plain modules that MkDocs hooks call."""
