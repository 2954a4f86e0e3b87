/**
 * The Lua scripts of the Redis broker. Each runs atomically in Redis, so a seq is
 * assigned exactly once, the history and its counters never disagree, and an event is
 * published to the feed in the same step that stores it.
 *
 * Keys per user (one stream per user; `{userId}` is a cluster hash tag, so both keys live
 * on one shard): KEYS[1] the stream (entry id `<seq>-0`, fields `t` = frame text,
 * `ts` = ms), KEYS[2] the meta hash (`epoch`, `seq` = newest seq, `bytes` = bytes held).
 */

/**
 * Makes sure the stream has an epoch; starts a new one (with ARGV[1]) only when its history
 * is really gone: no meta, or meta that names events while the stream key is missing
 * (expired or evicted apart). Shared by both scripts below.
 */
const ENSURE_EPOCH = `
local epoch = redis.call('HGET', KEYS[2], 'epoch')
local lastSeq = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
if (not epoch) or (lastSeq > 0 and redis.call('EXISTS', KEYS[1]) == 0) then
  epoch = ARGV[1]
  lastSeq = 0
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'epoch', epoch, 'seq', 0, 'bytes', 0)
end
local function oldestSeqOr(fallback)
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  if first == nil then return fallback end
  return tonumber(string.match(first[1], '^(%d+)'))
end
`;

/**
 * Append. ARGV: candidate epoch, frame head (`{"type":…,"seq":`), frame tail (`,"run_id":…}`),
 * ts ms, events max, bytes max, idle ttl ms, feed channel, run op, run id, run payload.
 * Returns {epoch, seq, evicted, oldestSeq}. Publishes `epoch seq oldestSeq ts\\ntext`.
 *
 * The run op keeps the registry of runs in flight (KEYS[3]: run id → owner record, KEYS[4]:
 * run id → open tool) in the same atomic step as the event: a run is registered exactly
 * when its `agent_started` is stored and forgotten exactly when its `agent_completed` is,
 * so a survivor ending an orphan (createRunLeases.ts) never ends a run nobody saw start.
 * Ops: `started` (payload: the record), `tool` (payload: the open tool), `tool_done`, `completed`, `-`.
 */
export const APPEND_SCRIPT = `${ENSURE_EPOCH}
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local text = ARGV[2] .. seq .. ',"epoch":"' .. epoch .. '"' .. ARGV[3]
redis.call('XADD', KEYS[1], seq .. '-0', 't', text, 'ts', ARGV[4])
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', string.len(text))
local length = redis.call('XLEN', KEYS[1])
local eventsMax = tonumber(ARGV[5])
local bytesMax = tonumber(ARGV[6])
local evicted = 0
while length > eventsMax or (bytes > bytesMax and length > 1) do
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  bytes = redis.call('HINCRBY', KEYS[2], 'bytes', -string.len(oldest[2][2]))
  redis.call('XDEL', KEYS[1], oldest[1])
  length = length - 1
  evicted = evicted + 1
end
local oldestSeq = oldestSeqOr(seq + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
local runOp = ARGV[9]
if runOp == 'started' then
  redis.call('HSET', KEYS[3], ARGV[10], ARGV[11])
elseif runOp == 'tool' then
  redis.call('HSET', KEYS[4], ARGV[10], ARGV[11])
elseif runOp == 'tool_done' then
  redis.call('HDEL', KEYS[4], ARGV[10])
elseif runOp == 'completed' then
  redis.call('HDEL', KEYS[3], ARGV[10])
  redis.call('HDEL', KEYS[4], ARGV[10])
end
redis.call('PUBLISH', ARGV[8], epoch .. ' ' .. seq .. ' ' .. oldestSeq .. ' ' .. ARGV[4] .. '\\n' .. text)
return {epoch, seq, evicted, oldestSeq}
`;

/**
 * Position and range. ARGV: candidate epoch, after seq, through seq (through < after+1 reads nothing), idle ttl ms.
 * Returns {epoch, lastSeq, oldestSeq, seq1, ts1, text1, seq2, …}.
 */
export const READ_SCRIPT = `${ENSURE_EPOCH}
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local result = {epoch, lastSeq, oldestSeqOr(lastSeq + 1)}
local afterSeq = tonumber(ARGV[2])
local throughSeq = tonumber(ARGV[3])
if throughSeq > afterSeq then
  local entries = redis.call('XRANGE', KEYS[1], (afterSeq + 1) .. '-0', throughSeq .. '-0')
  for _, entry in ipairs(entries) do
    result[#result + 1] = tonumber(string.match(entry[1], '^(%d+)'))
    result[#result + 1] = entry[2][4]
    result[#result + 1] = entry[2][2]
  end
end
return result
`;
