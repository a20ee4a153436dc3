"""Help with writing in plain words: the glossary, advice while typing, and readers' "easy to follow" votes."""
