// Seed file for the Jobs module; replaced by the module's real files.
