"""Query: the search language, stemming, highlighting, quote alignment and typed results."""
