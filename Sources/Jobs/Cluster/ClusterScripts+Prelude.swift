extension ClusterScripts {
    /// Helpers every script starts with: the clock, politeness (`schedule`, `release`, `take`), the seen-set (`add_links`),
    /// wakeups, and the job's end (`finish_if_done`, `cleanup`, `settle`).
    static let prelude = """
        local B = KEYS[1]
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local function num(key, field) return tonumber(redis.call('HGET', key, field) or '0') or 0 end
        local function schedule(origin)
          local h = B .. 'h:' .. origin
          if redis.call('LLEN', B .. 'q:' .. origin) == 0 or num(h, 'inflight') >= math.max(1, num(h, 'max')) then
            redis.call('ZREM', B .. 'ready', origin)
          else
            redis.call('ZADD', B .. 'ready', num(h, 'last') + num(h, 'delay'), origin)
          end
        end
        local function release(origin)
          local h = B .. 'h:' .. origin
          if num(h, 'inflight') > 0 then redis.call('HINCRBY', h, 'inflight', -1) end
          redis.call('HSET', h, 'last', now)
          schedule(origin)
        end
        -- Admits the links in ARGV[first..last], five values each (origin, hash, entry, delay, max), in order:
        -- each not seen yet while the job's budget lasts joins its origin's queue; past the budget, each not seen
        -- is counted dropped. The counters and each origin's schedule are written once for them all, not once a
        -- link: a page of 50 new links to one host paid 50 reschedules of it, which made a commit of such pages
        -- take milliseconds of Redis's one thread.
        local function add_links(first, last)
          local meta = B .. 'meta'
          local admitted, budget = num(meta, 'admitted'), num(meta, 'max_pages')
          local added, dropped, origins, known = 0, 0, {}, {}
          for j = first, last, 5 do
            local origin, hash = ARGV[j], ARGV[j + 1]
            local shard = B .. 'seen:' .. string.sub(hash, 1, 2)
            if admitted + added >= budget then
              if redis.call('SISMEMBER', shard, hash) == 0 then dropped = dropped + 1 end
            elseif redis.call('SADD', shard, hash) == 1 then
              added = added + 1
              if not known[origin] then
                known[origin] = true
                origins[#origins + 1] = origin
                local h = B .. 'h:' .. origin
                if redis.call('HSETNX', h, 'delay', ARGV[j + 3]) == 1 then redis.call('HSET', h, 'max', ARGV[j + 4]) end
              end
              redis.call('RPUSH', B .. 'q:' .. origin, ARGV[j + 2])
            end
          end
          if dropped > 0 then redis.call('HINCRBY', meta, 'dropped', dropped) end
          if added > 0 then
            redis.call('HINCRBY', meta, 'admitted', added)
            redis.call('HINCRBY', meta, 'queued', added)
          end
          for _, origin in ipairs(origins) do
            redis.call('SADD', B .. 'origins', origin)
            schedule(origin)
          end
        end
        local function wake() redis.call('XADD', B .. 'wake', 'MAXLEN', '~', '64', '*', 'w', '1') end
        local function live()
          local state = redis.call('HGET', B .. 'meta', 'state')
          return state == 'running' or state == 'paused'
        end
        -- At the job's end (completed or cancelled): the frontier and the seen-set go at once; what job.status
        -- and job.results read stays for `kept` seconds; every member's pending pages (a dead member's too)
        -- for `grace` seconds, in which a page in flight at a cancel may still be recorded; the wake stream,
        -- which wakes the workers still waiting, for a minute. A script that meets an ended job writes no key
        -- but those, and gives any it created its TTL (`settle`), so nothing of the job stays for good.
        local kept = 7 * 86400
        local grace = 600
        local function cleanup()
          for _, origin in ipairs(redis.call('SMEMBERS', B .. 'origins')) do
            redis.call('DEL', B .. 'q:' .. origin, B .. 'h:' .. origin, B .. 'robots:' .. origin)
          end
          for _, member in ipairs(redis.call('HKEYS', B .. 'members')) do redis.call('EXPIRE', B .. 'pending:' .. member, grace) end
          for i = 0, 255 do redis.call('DEL', B .. 'seen:' .. string.format('%02x', i)) end
          redis.call('DEL', B .. 'origins', B .. 'ready', B .. 'delayed', B .. 'starved')
          for _, key in ipairs({'meta', 'log', 'parts', 'by', 'members'}) do redis.call('EXPIRE', B .. key, kept) end
          wake()
          redis.call('EXPIRE', B .. 'wake', 60)
        end
        local function settle()
          for _, key in ipairs({'log', 'parts', 'by'}) do
            if redis.call('TTL', B .. key) == -1 then redis.call('EXPIRE', B .. key, kept) end
          end
        end
        local function finish_if_done()
          local meta = B .. 'meta'
          if num(meta, 'queued') == 0 and num(meta, 'pending') == 0 and redis.call('HGET', meta, 'state') == 'running' then
            redis.call('HSET', meta, 'state', 'completed', 'ended_at', now)
            redis.call('SREM', ARGV[1], ARGV[2])
            cleanup()
            redis.call('XADD', ARGV[1] .. ':events', 'MAXLEN', '~', '64', '*', 'job', ARGV[2])
          end
        end
        local function split(value)
          local tab = string.find(value, '\\t', 1, true)
          return string.sub(value, 1, tab - 1), string.sub(value, tab + 1)
        end
        local function url_of(entry)
          local a = string.find(entry, '|', 1, true)
          local b = string.find(entry, '|', a + 1, true)
          return string.sub(entry, b + 1)
        end
        -- The retries that are due go back to their queues.
        local function due_retries()
          for _, item in ipairs(redis.call('ZRANGEBYSCORE', B .. 'delayed', '-inf', now, 'LIMIT', 0, 64)) do
            redis.call('ZREM', B .. 'delayed', item)
            local origin, entry = split(item)
            redis.call('RPUSH', B .. 'q:' .. origin, entry)
            schedule(origin)
          end
        end
        -- Claims the next page of the origin first ready, when its delay has passed, for `instance`: returns its
        -- origin and entry, or nil and the ready set's first member with its score (empty when none is queued).
        local function take(instance)
          local first = redis.call('ZRANGE', B .. 'ready', 0, 0, 'WITHSCORES')
          if #first == 0 or tonumber(first[2]) > now then return nil, first end
          local origin = first[1]
          local entry = redis.call('LPOP', B .. 'q:' .. origin)
          local h = B .. 'h:' .. origin
          redis.call('HINCRBY', h, 'inflight', 1)
          redis.call('HSET', h, 'last', now)
          schedule(origin)
          redis.call('HSET', B .. 'pending:' .. instance, url_of(entry), origin .. '\\t' .. entry)
          -- A member presumed dead and handed back that claims again is a member again, so its pages are reclaimed and cleaned up.
          redis.call('HSETNX', B .. 'members', instance, '1')
          redis.call('HDEL', B .. 'starved', instance)
          redis.call('HINCRBY', B .. 'meta', 'queued', -1)
          redis.call('HINCRBY', B .. 'meta', 'pending', 1)
          return origin, entry
        end
        -- Whether a member other than `instance` has no page at all (it said so when its last claim found none).
        local function others_starved(instance)
          return redis.call('HLEN', B .. 'starved') > redis.call('HEXISTS', B .. 'starved', instance)
        end

        """
}
