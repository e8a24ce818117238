// Seed file for the Monitor module; replaced by the module's real files.
