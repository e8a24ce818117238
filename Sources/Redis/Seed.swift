// Seed file for the Redis module; replaced by the module's real files.
