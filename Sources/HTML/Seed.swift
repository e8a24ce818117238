// Seed file for the HTML module; replaced by the module's real files.
