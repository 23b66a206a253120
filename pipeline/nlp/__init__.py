"""Natural-language processing stages of the pipeline (spaCy components and their algorithms)."""
