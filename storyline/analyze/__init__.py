"""Article analysis: sentences, entities, resolved dates, quotes, numbers, vectors."""
