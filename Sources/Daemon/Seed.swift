// Seed file for the Daemon module; replaced by the module's real files.
