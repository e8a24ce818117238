/// The Lua scripts that run a cluster job's frontier inside Redis.
///
/// Every decision that must hold across instances is made by one of these
/// scripts, atomically, on Redis's clock (`TIME`), so clock skew between
/// machines cannot break politeness: which host is next, whether its delay has
/// passed, whether it has a free slot, which page a claim gets, whether a
/// completion still counts. Instances call them with `EVALSHA`
/// (`ClusterScript`), falling back to `SCRIPT LOAD` after a Redis restart.
///
/// Keys of job J, all under `KEYS[1]` = `crawld:cj:{J}:` (one hash tag, so
/// the job's keys share a slot):
/// - `meta` (hash): `state` (running, paused, completed, cancelled), counters
///   (`admitted`, `queued`, `pending`, `crawled`, `succeeded`, `failed`,
///   `skipped`, `dropped`, `errors`), `max_pages`;
/// - `q:<origin>` (list): the origin's queued entries `depth|attempt|url`;
/// - `h:<origin>` (hash): `delay` (ms), `max` (requests at once), `inflight`, `last` (ms of the last start or end);
/// - `ready` (zset): origins with queued pages and a free slot, scored by when the next request may start;
/// - `delayed` (zset): `origin\tentry` of pages waiting for a retry, scored by when it is due;
/// - `pending:<instance>` (hash): url -> `origin\tentry`, the pages that instance has claimed;
/// - `members` (hash): instances taking part; `starved` (hash): members whose last claim found no page while they had
///   none in flight, with when;
/// - `seen:<xx>` (sets): 128-bit keyed URL hashes (32 hex), sharded by their first byte;
/// - `log` (list): `part|start|end` of each record, in commit order (what `job.results` reads);
/// - `parts` (hash): part file -> committed length; `by` (hash): instance -> pages crawled;
/// - `origins` (set): every origin queued, so the end of the job can drop their keys;
/// - `wake` (stream): an entry after every change that may let a waiting instance claim.
/// - `robots:<origin>` (string): the origin's robots.txt for every instance; `robotslock:<origin>` (expiring):
///   the instance fetching it.
///
/// At the job's end (`cleanup`) every key goes or gets a TTL, and a script that meets an ended job writes only
/// keys that keep theirs, so a cancelled job whose members died leaves nothing behind for good.
enum ClusterScripts {
    /// ARGV: registry, job, then groups of five per URL: origin, hash, entry, delay ms, max concurrency.
    /// Adds the URLs not seen yet (the seeds of a new job). Returns the count added.
    static let add =
        prelude + """
            local before = num(B .. 'meta', 'admitted')
            add_links(3, #ARGV)
            wake()
            return num(B .. 'meta', 'admitted') - before
            """

    /// ARGV: registry, job, instance, how many pages the instance has in flight. Returns `{'page', origin, entry}`,
    /// `{'wait', ms}` (-1: until woken), or `{state}` when the job is not running (paused, completed, cancelled).
    /// An instance that finds no page while it has none in flight is `starved`: completions elsewhere then leave
    /// the slots they free to a claim that any instance's woken worker may win (see `complete`).
    static let claim =
        prelude + """
            local meta = B .. 'meta'
            local state = redis.call('HGET', meta, 'state')
            if state ~= 'running' then return {state or 'gone'} end
            due_retries()
            local origin, entry = take(ARGV[3])
            if origin then return {'page', origin, entry} end
            local first = entry
            finish_if_done()
            if redis.call('HGET', meta, 'state') ~= 'running' then return {redis.call('HGET', meta, 'state')} end
            if ARGV[4] == '0' then redis.call('HSET', B .. 'starved', ARGV[3], now) end
            local due = -1
            if #first > 0 then due = tonumber(first[2]) - now end
            local later = redis.call('ZRANGE', B .. 'delayed', 0, 0, 'WITHSCORES')
            if #later > 0 and (due < 0 or tonumber(later[2]) - now < due) then due = math.max(0, tonumber(later[2]) - now) end
            return {'wait', due}
            """

    /// ARGV: registry, job, instance, part, the `output.redis_stream` sink (stream, maxlen or 0; `''` for none),
    /// whether to claim the instance's next pages (`1`, `0`), then from ARGV[8] one group per record, in the part's order:
    /// origin, url, start, end, outcome (`ok`, `failed`, `skipped`), data items, errors, the record for the stream
    /// (`''` for none), the count of links, and five values per link (as `add`).
    ///
    /// The records of one instance's part are committed together, in order: each counts only if its page is still
    /// this instance's and the part's committed length is its start; with a stream it goes there in the same
    /// script, as entry `<created>-<its place in log>`, so it is appended exactly once and in commit order
    /// whichever instance commits it. The first record that does not count ends the batch (those after it start
    /// at the wrong place now): the instance cuts it off and sends the rest again.
    ///
    /// One next page per record looked at is claimed here, as `claim` would, so a page costs a fraction of a
    /// round trip rather than two, unless another member is starved: then the slots these pages free are left to
    /// the wakeup's race, which that member may win, so one instance cannot keep a busy host's slots while another
    /// has nothing. The wakeup goes out only when a page is left to claim (now or after its host's delay) or a
    /// member is starved: a wakeup when every queued host is at its concurrency would only make each waiting
    /// worker claim nothing.
    /// Returns the count of records looked at, their verdicts (`ok`; `lost`: claimed away; `torn`: the part
    /// moved), then origin and entry of each page claimed.
    static let complete =
        prelude + """
            local meta = B .. 'meta'
            local pending = B .. 'pending:' .. ARGV[3]
            local part = ARGV[4]
            local running = live()
            local verdicts = {}
            local i = 8
            while i <= #ARGV do
              local origin, url, start, stop, outcome = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
              local items, errors, line, links = ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], i + 9
              i = links + 5 * tonumber(ARGV[i + 8])
              local verdict = 'ok'
              if redis.call('HEXISTS', pending, url) == 0 then
                verdict = 'lost'
              elseif outcome ~= 'skipped' and num(B .. 'parts', part) ~= tonumber(start) then
                verdict = 'torn'
              end
              verdicts[#verdicts + 1] = verdict
              if verdict ~= 'ok' then break end
              redis.call('HDEL', pending, url)
              redis.call('HINCRBY', meta, 'pending', -1)
              redis.call('HINCRBY', meta, 'errors', tonumber(errors))
              if running then release(origin) end
              if outcome == 'skipped' then
                redis.call('HINCRBY', meta, 'skipped', 1)
                redis.call('HINCRBY', meta, 'admitted', -1)
              else
                redis.call('RPUSH', B .. 'log', part .. '|' .. start .. '|' .. stop)
                redis.call('HSET', B .. 'parts', part, stop)
                redis.call('HINCRBY', meta, 'crawled', 1)
                redis.call('HINCRBY', meta, outcome == 'ok' and 'succeeded' or 'failed', 1)
                redis.call('HINCRBY', meta, 'data_items', tonumber(items))
                redis.call('HINCRBY', B .. 'by', ARGV[3], 1)
                if outcome == 'ok' then redis.call('HSET', meta, 'last_success_at', now) end
                if ARGV[5] ~= '' then
                  local id = (redis.call('HGET', meta, 'created') or '0') .. '-' .. redis.call('LLEN', B .. 'log')
                  local added
                  if ARGV[6] == '0' then
                    added = redis.pcall('XADD', ARGV[5], id, 'job', ARGV[2], 'record', line)
                  else
                    added = redis.pcall('XADD', ARGV[5], 'MAXLEN', '~', ARGV[6], id, 'job', ARGV[2], 'record', line)
                  end
                  if type(added) == 'table' and added.err then
                    redis.call('HSET', meta, 'stream_error', 'entry ' .. id .. ': ' .. added.err)
                  else
                    redis.call('HINCRBY', meta, 'stream_published', 1)
                  end
                end
              end
              if running then
                add_links(links, i - 1)
              end
            end
            finish_if_done()
            local reply = {#verdicts}
            for _, verdict in ipairs(verdicts) do reply[#reply + 1] = verdict end
            if ARGV[7] == '1' and redis.call('HGET', meta, 'state') == 'running' and not others_starved(ARGV[3]) then
              due_retries()
              for _ = 1, #verdicts do
                local origin, entry = take(ARGV[3])
                if not origin then break end
                reply[#reply + 1] = origin
                reply[#reply + 1] = entry
              end
            end
            if not live() then
              settle()
            elseif redis.call('ZCARD', B .. 'ready') > 0 or others_starved(ARGV[3]) then
              wake()
            end
            return reply
            """

    /// ARGV: registry, job, instance, origin, url, next entry (attempt + 1), wait ms. The page goes back to Redis
    /// for its retry, which any instance may then claim once it is due. Returns `ok`, or `lost` (also for a job
    /// that has ended: its page is not tried again).
    static let retry =
        prelude + """
            local meta = B .. 'meta'
            if redis.call('HDEL', B .. 'pending:' .. ARGV[3], ARGV[5]) == 0 then return 'lost' end
            redis.call('HINCRBY', meta, 'pending', -1)
            if not live() then return 'lost' end
            redis.call('HINCRBY', meta, 'queued', 1)
            redis.call('HINCRBY', meta, 'errors', 1)
            release(ARGV[4])
            redis.call('ZADD', B .. 'delayed', now + tonumber(ARGV[7]), ARGV[4] .. '\\t' .. ARGV[6])
            wake()
            return 'ok'
            """

    /// ARGV: registry, job, instance, and optionally the URLs to hand back (none: every page pending on that
    /// instance, which then leaves `members`). Puts them back at the head of their hosts' queues (a drain, a
    /// restart, an instance whose heartbeat expired, or pages whose claim's answer was lost).
    /// Returns the count handed back; for a job that has ended, 0 (its pages are dropped, not queued).
    static let handBack =
        prelude + """
            local meta = B .. 'meta'
            local pending = B .. 'pending:' .. ARGV[3]
            local urls = {}
            for i = 4, #ARGV do urls[#urls + 1] = ARGV[i] end
            local items = {}
            if live() then
              if #urls == 0 then items = redis.call('HVALS', pending) else items = redis.call('HMGET', pending, unpack(urls)) end
            end
            local count = 0
            for _, item in ipairs(items) do
              if item then
                local origin, entry = split(item)
                redis.call('LPUSH', B .. 'q:' .. origin, entry)
                redis.call('HINCRBY', meta, 'pending', -1)
                redis.call('HINCRBY', meta, 'queued', 1)
                release(origin)
                count = count + 1
              end
            end
            if #urls == 0 then
              redis.call('DEL', pending)
              redis.call('HDEL', B .. 'members', ARGV[3])
              redis.call('HDEL', B .. 'starved', ARGV[3])
            else
              redis.call('HDEL', pending, unpack(urls))
            end
            if count > 0 then wake() end
            return count
            """

    /// ARGV: registry, job, new state (`paused`, `running`, `cancelled`). Pausing keeps the frontier as it
    /// is; cancelling drops the queues and seen-set but keeps the log and the counters for `job.results`.
    /// Returns the state afterwards.
    static let control =
        prelude + """
            local meta = B .. 'meta'
            local state = redis.call('HGET', meta, 'state')
            if not state then return 'gone' end
            if state == 'completed' or state == 'cancelled' then return state end
            redis.call('HSET', meta, 'state', ARGV[3])
            if ARGV[3] == 'cancelled' then
              redis.call('HSET', meta, 'ended_at', now)
              redis.call('SREM', ARGV[1], ARGV[2])
              cleanup()
            else
              wake()
            end
            redis.call('XADD', ARGV[1] .. ':events', 'MAXLEN', '~', '64', '*', 'job', ARGV[2])
            return ARGV[3]
            """

    /// ARGV: registry, job, origin, its robots.txt as `ClusterRobots` stores it, how long it is kept in ms (0: for
    /// the job), its Crawl-delay in ms (-1: none). Releases the origin's `robotslock`; while the job runs, stores
    /// the answer for every instance, raises the origin's delay to the Crawl-delay and wakes the instances waiting
    /// for it. Returns 1, or 0 for a job that has ended (nothing written).
    static let storeRobots =
        prelude + """
            local state = redis.call('HGET', B .. 'meta', 'state')
            redis.call('DEL', B .. 'robotslock:' .. ARGV[3])
            if state ~= 'running' and state ~= 'paused' then return 0 end
            if tonumber(ARGV[5]) > 0 then
              redis.call('SET', B .. 'robots:' .. ARGV[3], ARGV[4], 'PX', ARGV[5])
            else
              redis.call('SET', B .. 'robots:' .. ARGV[3], ARGV[4])
            end
            local h = B .. 'h:' .. ARGV[3]
            if tonumber(ARGV[6]) > num(h, 'delay') then redis.call('HSET', h, 'delay', ARGV[6]) end
            wake()
            return 1
            """
}
