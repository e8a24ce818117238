import Engines

extension Crawler {
    /// Fetches a file whole, as bytes: the same URL checks, engine choice,
    /// pool and fetch as `crawl`, but no parse and no extraction. For files
    /// a job reads rather than crawls (sitemaps, which may be gzip and are
    /// read by a parser of their own); the engine's body ceiling bounds it.
    /// - Throws: as `crawl` does, up to the fetch.
    public func fetchFile(_ request: CrawlRequest) async throws -> FetchResult {
        try limits.check(config: request.config)
        let target = try await validator.check(request.url)
        if let config = request.config { try EngineConfigLimits.check(config) }
        let selection = try await select(for: request, url: target.url.absoluteString)
        var queue = Duration.zero
        return try await fetch(target, with: selection, for: request, queue: &queue).fetched
    }
}
