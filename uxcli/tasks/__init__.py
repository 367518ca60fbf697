"""Task data from attempts on: the attempts schema and derivation, preparation (exclusions, quality
flags, pseudonyms), metrics, comparisons and the Single Usability Metric."""
