// Seed: replaced by real tests.
