// Seed file for the Scripting module; replaced by the module's real files.
