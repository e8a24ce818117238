/// The Lua script behind `StreamSink`: appends records to a stream with ids
/// derived from their sequence, skipping those already there, atomically
/// with the job's publish state.
///
/// KEYS: the stream, the job's state hash (`base`, `published`).
/// ARGV: job id, maxlen (0: no trimming), state TTL in seconds, the sequence
/// number of the first record, then the records (none: just read the state).
/// Returns `{'ok', published}` or `{'conflict', top id}`.
enum StreamSinkScript {
    static let source = """
        local function split(id)
          local dash = string.find(id, '-', 1, true)
          return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
        end
        local function top()
          if redis.call('EXISTS', KEYS[1]) == 0 then return 0, 0, '0-0' end
          local info = redis.call('XINFO', 'STREAM', KEYS[1])
          for i = 1, #info, 2 do
            if info[i] == 'last-generated-id' then
              local ms, seq = split(info[i + 1])
              return ms, seq, info[i + 1]
            end
          end
          return 0, 0, '0-0'
        end
        local kind = redis.call('TYPE', KEYS[1])['ok']
        if kind ~= 'none' and kind ~= 'stream' then return {'conflict', 'a key of type ' .. kind} end
        local base = redis.call('HGET', KEYS[2], 'base')
        local published = tonumber(redis.call('HGET', KEYS[2], 'published') or '0')
        if not base then
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          local ms = top()
          base = string.format('%.0f', math.max(now, ms + 1))
          redis.call('HSET', KEYS[2], 'base', base)
        end
        local first = tonumber(ARGV[4])
        for i = 5, #ARGV do
          local seq = first + i - 5
          if seq > published then
            local id = base .. '-' .. seq
            local added
            if ARGV[2] == '0' then
              added = redis.pcall('XADD', KEYS[1], id, 'job', ARGV[1], 'record', ARGV[i])
            else
              added = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id, 'job', ARGV[1], 'record', ARGV[i])
            end
            if type(added) == 'table' and added.err then
              local ms, topseq, text = top()
              if ms ~= tonumber(base) or topseq < seq then return {'conflict', text} end
            end
            published = seq
          end
        end
        redis.call('HSET', KEYS[2], 'published', published)
        redis.call('EXPIRE', KEYS[2], ARGV[3])
        return {'ok', published}
        """

    static let shared = ClusterScript(source)
}
