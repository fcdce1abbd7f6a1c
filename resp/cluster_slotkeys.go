package resp

import (
	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
)

// CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT. quoris's one shard owns every
// slot, so the keys of a slot are the keys of the client's database whose
// hash slot it is. Redis keeps a per-slot index; quoris has none, so both
// walk the keyspace (O(N) in the number of keys).

func clusterSlotKeysSubcommands() []*subCmd {
	return []*subCmd{
		{Spec: clusterSpec("countkeysinslot", 3, []string{"stale"}, "Return the number of local keys in the specified hash slot", "3.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				slot, ok := datatypes.ParseInt(args[2])
				if !ok {
					return appendErrStr(out, "ERR value is not an integer or out of range")
				}
				if slot < 0 || slot >= clusterSlots {
					return appendErrStr(out, "ERR Invalid slot")
				}
				return redcon.AppendInt(out, int64(len(s.keysInSlot(cl, int(slot), -1))))
			}},
		{Spec: clusterSpec("getkeysinslot", 4, []string{"stale"}, "Return local key names in the specified hash slot", "3.0.0", "O(log(N)) where N is the number of requested keys"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				slot, ok := datatypes.ParseInt(args[2])
				if !ok {
					return appendErrStr(out, "ERR value is not an integer or out of range")
				}
				limit, ok := datatypes.ParseInt(args[3])
				if !ok {
					return appendErrStr(out, "ERR value is not an integer or out of range")
				}
				if slot < 0 || slot >= clusterSlots || limit < 0 {
					return appendErrStr(out, "ERR Invalid slot or number of keys")
				}
				keys := s.keysInSlot(cl, int(slot), limit)
				out = redcon.AppendArray(out, len(keys))
				for _, k := range keys {
					out = redcon.AppendBulk(out, k)
				}
				return out
			}},
	}
}

// keysInSlot is up to limit (all when negative) live keys of cl's
// database that hash to slot.
func (s *Server) keysInSlot(cl *client, slot int, limit int64) [][]byte {
	reply := s.fsm.Read(cl.DB(), s.node.Now(), [][]byte{[]byte("KEYS"), []byte("*")}, nil)
	_, r := redcon.ReadNextRESP(reply)
	var keys [][]byte
	r.ForEach(func(k redcon.RESP) bool {
		if limit >= 0 && int64(len(keys)) >= limit {
			return false
		}
		if keySlot(k.Data) == slot {
			keys = append(keys, k.Data)
		}
		return true
	})
	return keys
}
