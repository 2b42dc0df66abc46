"""Enrich: annotations over a document's text (sentences first; entities, claims and
techniques to come), each recorded with the enricher's name and version."""
