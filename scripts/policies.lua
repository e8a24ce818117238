-- policies.lua: how crawld runs its engines. Edit, then `kill -HUP <pid>`
-- (or send the `reload` op): the new values take effect at once for new
-- requests, or the reload is refused with the exact error and these
-- policies keep running as they were.
--
-- The defaults reproduce crawl4ai's server. Every value is checked when the
-- file loads (types, ranges; janitor() is tried at 0, 50, 90 and 100 %
-- memory; the optional escalate() with an empty page and a full one), so a
-- typo never reaches a running daemon.
--
-- Sandbox: string, table, math, utf8 and os.time/clock/date are available;
-- io, require, debug and the rest of os are not. Use `local` variables:
-- creating a global at run time is an error. Each call has an instruction
-- budget and a deadline.

local pool = {
  -- Uses after which a cold engine (one made for a non-default config)
  -- turns hot and is kept longer.
  promote_after = 3,
  -- Refuse to start new engines at or above this system memory use (%).
  -- Requests that need one then fail with `memory_pressure`.
  memory_limit_percent = 95,
  -- How long an idle engine is kept when memory is plentiful (seconds).
  idle_ttl_s = 300,
  -- When an engine retires and is replaced, per engine kind:
  -- after_uses (requests served) and/or max_age_s (seconds alive).
  -- A kind not listed never retires: HTTP clients don't degrade, while a
  -- long-lived browser slowly leaks, so it is replaced after 500 pages.
  retire = {
    browser = { after_uses = 500 },
  },
}

-- The proxies the HTTP engine may send requests through, by name. An engine
-- config's `proxy` (a client's `config.proxy`, or one engine_for sets) must
-- be one of these names, or absent; a URL there is refused with
-- bad_request, so no client can aim crawld at a host and port of its own.
-- Values: "http://host:port" (CONNECT for https) or "socks5://host:port".
-- For example: proxies = { corp = "http://10.0.0.5:3128" }
local proxies = {}

-- Crawl jobs: `cluster = true` spreads a job submitted without `cluster`
-- over every instance that shares this Redis (job.submit's `cluster`).
local jobs = { cluster = false }

local M = { pool = pool, proxies = proxies, jobs = jobs }

-- How often the janitor runs and how long idle engines live, given the
-- memory use in percent (0-100). Return interval_s (> 0), cold_ttl_s and
-- hot_ttl_s (>= 0). The tighter memory gets, the sooner idle engines go.
function M.janitor(memory_percent)
  if memory_percent > 80 then
    return { interval_s = 10, cold_ttl_s = 30, hot_ttl_s = 120 }
  elseif memory_percent > 60 then
    return { interval_s = 30, cold_ttl_s = 60, hot_ttl_s = 300 }
  end
  return { interval_s = 60, cold_ttl_s = pool.idle_ttl_s, hot_ttl_s = 2 * pool.idle_ttl_s }
end

-- Which engine serves a request, and with which config. `request` holds
-- the crawl op's fields (engine, config, js, screenshot, pdf, ...).
-- Return "http" or "browser", then a config table (or nil for defaults);
-- requests with equal configs share engines.
function M.engine_for(url, request)
  local config = request.config or {}
  if request.engine then
    return request.engine, config
  end
  if request.js or request.screenshot or request.pdf then
    return "browser", config
  end
  return "http", config
end

-- Optional, and left out here: escalate(url, page). When it is defined,
-- crawld asks it after every HTTP fetch of an HTML page for a request that
-- did not name its engine; returning true renders the page in the browser
-- instead, with the config engine_for returns for request.engine =
-- "browser", and the answer's `engine` says "browser". `page` holds status,
-- content_type, bytes, title, text_length (characters of visible text),
-- scripts (number of <script> elements) and links (number of links). It must
-- return true, false or nil; a call that fails keeps the HTTP result.
-- Without it crawld gathers none of these facts, so plain crawls pay
-- nothing. To send pages that are an empty JavaScript shell to the browser:
--
--   function M.escalate(url, page)
--     return page.status == 200 and page.scripts > 0 and page.text_length < 200
--   end

-- Per-host politeness for crawl jobs: the least delay between two requests
-- to the host (ms), and how many may be in flight at once.
function M.politeness(host)
  if host == "localhost" or host == "127.0.0.1" or host == "::1" then
    return { delay_ms = 0, max_concurrency = 16 }
  end
  return { delay_ms = 1000, max_concurrency = 2 }
end

-- Whether to retry a failed page: `attempt` counts from 1, `status` is the
-- HTTP status (nil when no response came), `error` the error code (nil when
-- a response came). Return the delay in ms, or nil to give up.
-- Like crawl4ai's rate limiter: up to 3 retries on 429, 5xx and network
-- errors, backing off exponentially from 1 s, at most 60 s.
function M.retry(attempt, status, error)
  if attempt > 3 then
    return nil
  end
  if error or status == 429 or (status and status >= 500) then
    return math.min(60000, 1000 * 2 ^ (attempt - 1))
  end
  return nil
end

return M
