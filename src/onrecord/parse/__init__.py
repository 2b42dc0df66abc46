"""Parse: a raw document to the typed record — paragraphs, speaker turns, metadata."""
