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

-- What the browser does not fetch for a crawl that takes no picture:
-- a crawl reads the DOM, and images, fonts and media are most of a page's
-- requests (a request's own `config.block`, even [], wins). Set it to {}
-- to fetch everything.
local browser_block = { "image", "font", "media" }

-- Which engine serves a request, and with which config. `request` holds
-- the crawl op's fields (engine, config, js, screenshot, pdf, wait_until,
-- wait_for, ...). Return "http" or "browser", then a config table (or nil
-- for defaults); requests with equal configs share engines.
function M.engine_for(url, request)
  local config = request.config or {}
  local engine = request.engine
  if not engine then
    local browser = request.js or request.screenshot or request.pdf or request.wait_until or request.wait_for
    engine = browser and "browser" or "http"
  end
  if engine == "browser" and config.block == nil and not (request.screenshot or request.pdf) then
    config.block = browser_block
  end
  return engine, config
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

-- Adaptive politeness per host, like Scrapy's AutoThrottle. crawld asks
-- politeness(host, stats) before every request of a job to the host, and the
-- answer holds for that request: delay_ms, the least time between two
-- requests to the host, and max_concurrency, how many may be in flight.
-- `stats` is what crawld saw of the host lately (all optional: a first call
-- gets almost nothing): latency_ms (a moving mean), in_flight, requests,
-- rate (starts in the last second), statuses (the last 16; 0 = no
-- response), count_429, count_503, throttled (429s and 503s since the last
-- call), retry_after_ms (what is left of the host's Retry-After pause),
-- refused_rate (rate when the host began to refuse; an outage leaves it
-- at the pace the host sustained before), limit_readings (how many times
-- refused_rate was read), since_refusal_ms
-- (since the last 429/503), and
-- delay_ms and max_concurrency: this function's last answer for the host.
-- crawld itself pauses a host for its Retry-After (at most
-- --max-crawl-delay), whatever this returns. `crawl` requests to the host
-- count in its stats but do not wait. A policy of one argument,
-- politeness(host), keeps working.
--
-- The controller: halve the rate on a 429 or 503; come back gradually to
-- just under the rate at which the host began to refuse; then creep up,
-- faster the longer nothing is refused. crawld spaces the starts of a
-- host's requests by delay_ms, so 1000 / delay_ms is the rate: the delay is
-- set from the target rate, not steered by the measured one (which lags by
-- its one-second window, and made the pace swing past the host's limit).
-- The first refused_rate is read while the pace still climbs, so it may be
-- low or high; a later one (limit_readings >= 2) is the pace this policy
-- held when the host refused it, so the host's limit lies just under it:
-- the target stays at safe_fraction of it, and creeps only once the host
-- has been quiet for settle_s (a host may raise its limit). Each refusal
-- costs the host's Retry-After pause, a second of nothing against a server
-- that asks for one: more than a few % of pace does.
-- Concurrency follows latency x rate, and halves with the rate.
local throttle = {
  -- Floor and ceiling of the delay (ms) and of the concurrency, and the
  -- delay of a host's first request.
  remote = { min_delay_ms = 1000, max_delay_ms = 60000, start_delay_ms = 1000, min_concurrency = 1, max_concurrency = 2 },
  ["local"] = { min_delay_ms = 0, max_delay_ms = 60000, start_delay_ms = 100, min_concurrency = 1, max_concurrency = 16 },
  -- Before any refusal, target in-flight = latency / target_delay_ms.
  target_delay_ms = 10,
  -- How much the delay shortens each answer: before any refusal, and while
  -- coming back to the target rate after one.
  recover = 0.04,
  -- The rate aimed at after a refusal: safe_fraction x the refused rate,
  -- times 1 + growth x s + growth2 x s^2 after s seconds without one (after
  -- a later reading, s counts from settle_s quiet seconds).
  safe_fraction = 0.95,
  growth = 0.008,
  growth2 = 0.00005,
  settle_s = 60,
}

local function creep(quiet_s)
  return 1 + throttle.growth * quiet_s + throttle.growth2 * quiet_s ^ 2
end

local function clamp(x, low, high)
  return math.max(low, math.min(high, x))
end

function M.politeness(host, stats)
  stats = stats or {}
  local is_local = host == "localhost" or host == "127.0.0.1" or host == "::1"
  local limits = is_local and throttle["local"] or throttle.remote
  local delay = math.max(stats.delay_ms or limits.start_delay_ms, 1)
  local concurrency = stats.max_concurrency or limits.min_concurrency
  local refused = stats.refused_rate or 0
  local latency = stats.latency_ms or 0
  if (stats.throttled or 0) > 0 then
    -- Halve: no faster than half the rate at which the host began to refuse
    -- (further refusals of the same run do not compound it).
    delay = refused > 0 and math.max(delay, 2000 / refused) or math.max(delay * 2, 100)
    concurrency = concurrency // 2
  elseif refused > 0 then
    local quiet_s = (stats.since_refusal_ms or 0) / 1000
    if (stats.limit_readings or 0) >= 2 then
      -- The pace held when refused: hold just under it, creeping only after settle_s.
      quiet_s = math.max(0, quiet_s - throttle.settle_s)
    end
    local target = throttle.safe_fraction * refused * creep(quiet_s)
    -- Toward the target's delay at `recover` an answer, never past it.
    delay = math.max(1000 / target, delay * (1 - throttle.recover))
    concurrency = math.min(concurrency + 1, math.ceil(latency * target / 1000) + 1)
  else
    delay = delay * (1 - throttle.recover)
    concurrency = math.min(concurrency + 1, math.ceil(latency / throttle.target_delay_ms) + 1)
  end
  return {
    delay_ms = clamp(delay, limits.min_delay_ms, limits.max_delay_ms),
    max_concurrency = clamp(concurrency, limits.min_concurrency, limits.max_concurrency),
  }
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
