// Seed: replaced by the real command line.
