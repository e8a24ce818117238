// Seed file for the Protocol module; replaced by the module's real files.
