// Seed file for the Engines module; replaced by the module's real files.
