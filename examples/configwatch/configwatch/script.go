package configwatch

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/redis/go-redis/v9"
)

// The script's first reply element.
const (
	casConflict = 0 // {0, current version}
	casApplied  = 1 // {1, new version}
	casReplayed = 2 // {2, version}: this change id had already applied
)

// casScript is the whole of an update, atomic on Redis and one log entry
// on quoris.
//
//	KEYS[1] cfg:<name>  KEYS[2] cfghist:<name>
//	ARGV[1] expected version  ARGV[2] change id  ARGV[3] history cap
//	ARGV[4] values as JSON (the history entry)  ARGV[5..] field, value ...
//
// On a version mismatch it looks for the change id among the changes
// newer than the expected version (at most cur-expect entries back): a
// retried change that had applied is answered as such instead of as a
// conflict. The values replace the old ones: fields not in the new set
// are deleted, so the hash is exactly {version, values}.
var casScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'version')
if cur then
  cur = tonumber(cur)
  if not cur then
    return redis.error_reply('ERR config ' .. KEYS[1] .. ' has a non-numeric version field')
  end
else
  cur = 0
end
local expect = tonumber(ARGV[1])
if cur ~= expect then
  if cur > expect then
    local newer = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', cur - expect)
    for _, e in ipairs(newer) do
      local f = e[2]
      local ver, id = nil, nil
      for i = 1, #f, 2 do
        if f[i] == 'version' then ver = f[i + 1] elseif f[i] == 'id' then id = f[i + 1] end
      end
      if id == ARGV[2] then return {2, tonumber(ver)} end
    end
  end
  return {0, cur}
end
local new = cur + 1
local keep = {}
for i = 5, #ARGV, 2 do keep[ARGV[i]] = true end
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if f ~= 'version' and not keep[f] then redis.call('HDEL', KEYS[1], f) end
end
redis.call('HSET', KEYS[1], 'version', tostring(new), unpack(ARGV, 5))
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'version', tostring(new), 'id', ARGV[2], 'values', ARGV[4])
return {1, new}
`)

// Retryable reports whether an update attempt that failed with err may be
// sent again: quoris's not-applied and maybe-applied errors, Redis's
// LOADING, and any network failure. A script's own errors (WRONGTYPE, a
// bad version field) and a context's end are final.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var rerr redis.Error
	if errors.As(err, &rerr) {
		msg := rerr.Error()
		for _, p := range []string{"TRYAGAIN", "CLUSTERDOWN", "UNCERTAIN", "LOADING", "ERR server is shutting down"} {
			if strings.HasPrefix(msg, p) {
				return true
			}
		}
		return false
	}
	var nerr net.Error
	if errors.As(err, &nerr) {
		return true
	}
	// go-redis reports a connection closed under a reply as io.EOF or
	// io.ErrUnexpectedEOF, and a closed pool as redis.ErrClosed (final).
	return !errors.Is(err, redis.ErrClosed)
}
