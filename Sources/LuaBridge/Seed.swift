// Seed file for the LuaBridge module; replaced by the module's real files.
