"""Your data in and out of quizapp: Anki packages and review logs out, Anki packages and CSV/TSV
tables in (as YAML decks).  Every file that comes in is treated as hostile (quizapp.exchange.apkg)."""
