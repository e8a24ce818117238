// Seed: replaced by the real benchmark.
