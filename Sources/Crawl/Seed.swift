// Seed file for the Crawl module; replaced by the module's real files.
