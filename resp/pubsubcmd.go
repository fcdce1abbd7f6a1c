package resp

import (
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// pubsubCommands are the subscription commands and PUBSUB; PUBLISH and
// SPUBLISH are FSM commands (they go through the log).
func pubsubCommands() []*localCmd {
	spec := func(name string, arity int, first, last int, summary, since, complexity string) fsm.Spec {
		sp := fsm.Spec{Name: name, Arity: arity, Flags: []string{"pubsub", "noscript", "loading", "stale"}, Group: "pubsub",
			Summary: summary, Since: since, Complexity: complexity}
		if first > 0 {
			sp.FirstKey, sp.LastKey, sp.Step = first, last, 1
		}
		return sp
	}
	return []*localCmd{
		{Spec: spec("subscribe", -2, 0, 0, "Listen for messages published to the given channels", "2.0.0",
			"O(N) where N is the number of channels to subscribe to."), run: subscribeCmd(kindChannel)},
		{Spec: spec("psubscribe", -2, 0, 0, "Listen for messages published to channels matching the given patterns", "2.0.0",
			"O(N) where N is the number of patterns the client is already subscribed to."), run: subscribeCmd(kindPattern)},
		{Spec: spec("ssubscribe", -2, 1, -1, "Listen for messages published to the given shard channels", "7.0.0",
			"O(N) where N is the number of shard channels to subscribe to."), run: subscribeCmd(kindShard)},
		{Spec: spec("unsubscribe", -1, 0, 0, "Stop listening for messages posted to the given channels", "2.0.0",
			"O(N) where N is the number of clients already subscribed to a channel."), run: unsubscribeCmd(kindChannel)},
		{Spec: spec("punsubscribe", -1, 0, 0, "Stop listening for messages posted to channels matching the given patterns", "2.0.0",
			"O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client)."), run: unsubscribeCmd(kindPattern)},
		{Spec: spec("sunsubscribe", -1, 1, -1, "Stop listening for messages posted to the given shard channels", "7.0.0",
			"O(N) where N is the number of clients already subscribed to a shard channel."), run: unsubscribeCmd(kindShard)},
		containerCmd(fsm.Spec{Name: "pubsub", Arity: -2, Group: "pubsub",
			Summary: "A container for Pub/Sub commands", Since: "2.8.0", Complexity: "Depends on subcommand."}),
	}
}

type subKind int

const (
	kindChannel subKind = iota
	kindPattern
	kindShard
)

func (k subKind) names() (sub, unsub string) {
	switch k {
	case kindPattern:
		return "psubscribe", "punsubscribe"
	case kindShard:
		return "ssubscribe", "sunsubscribe"
	}
	return "subscribe", "unsubscribe"
}

// index returns the hub map and the client's list for kind k.
func (s *Server) index(p *subscriber, k subKind) (map[string]subSet, *[]string) {
	switch k {
	case kindPattern:
		return s.hub.patterns, &p.patterns
	case kindShard:
		return s.hub.shards, &p.shards
	}
	return s.hub.channels, &p.channels
}

func (p *subscriber) countOf(k subKind) int {
	if k == kindShard {
		return len(p.shards)
	}
	return p.count()
}

// subscriberOf returns the client's pub/sub state, starting its pusher on
// first use.
func (s *Server) subscriberOf(cl *client) *subscriber {
	if cl.ps == nil {
		cl.ps = &subscriber{cl: cl, kick: make(chan struct{}, 1), done: make(chan struct{}), limits: s.clientLimits}
		go cl.ps.push()
	}
	return cl.ps
}

func subscribeCmd(k subKind) func(s *Server, cl *client, args [][]byte, out []byte) []byte {
	return func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		p := s.subscriberOf(cl)
		out = p.take(out) // messages already due go first
		m, list := s.index(p, k)
		kind, _ := k.names()
		for _, a := range args[1:] {
			s.hub.mu.Lock()
			if s.hub.add(m, string(a), p) {
				*list = append(*list, string(a))
			}
			s.hub.mu.Unlock()
			out = appendConfirm(out, cl, kind, a, p.countOf(k))
		}
		cl.subs[k].Store(int32(len(*list)))
		return out
	}
}

func unsubscribeCmd(k subKind) func(s *Server, cl *client, args [][]byte, out []byte) []byte {
	return func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		p := s.subscriberOf(cl)
		out = p.take(out)
		m, list := s.index(p, k)
		_, kind := k.names()
		names := args[1:]
		if len(names) == 0 {
			if len(*list) == 0 {
				return appendConfirm(out, cl, kind, nil, p.countOf(k))
			}
			for _, n := range *list {
				names = append(names, []byte(n))
			}
		}
		for _, a := range names {
			s.hub.mu.Lock()
			if s.hub.del(m, string(a), p) {
				for i, n := range *list {
					if n == string(a) {
						*list = append((*list)[:i:i], (*list)[i+1:]...)
						break
					}
				}
			}
			s.hub.mu.Unlock()
			out = appendConfirm(out, cl, kind, a, p.countOf(k))
		}
		cl.subs[k].Store(int32(len(*list)))
		return out
	}
}

// subscribedOnly is Redis 7.0's RESP2 rule: a client with subscriptions
// may only manage them, PING, QUIT or RESET.
func subscribedOnly(name string) bool {
	switch name {
	case "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "ping", "quit", "reset":
		return true
	}
	return false
}

// subscribedErr answers a command refused in subscribed mode, or "" when
// it may run (it is allowed, or unknown or of wrong arity: those errors
// come first, as in Redis's processCommand).
func (s *Server) subscribedErr(cl *client, args [][]byte) string {
	if !cl.ps.active() || cl.proto.Load() == 3 {
		// RESP3 pushes messages out of band: every command may run.
		return ""
	}
	var spec *fsm.Spec
	if lc := s.lookupLocal(args[0]); lc != nil {
		spec = &lc.Spec
	} else if c := s.table.Lookup(args[0]); c != nil {
		spec = &c.Spec
	}
	if spec == nil || !spec.ArityOK(len(args)) || subscribedOnly(spec.Name) {
		return ""
	}
	name := spec.Name
	if len(args) > 1 {
		for _, sc := range subcommandsOf(name) {
			if strings.EqualFold(sc.Name, string(args[1])) {
				name += "|" + sc.Name
				break
			}
		}
	}
	return "ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
}

// subscribedPing is PING's reply in subscribed mode: a pong frame.
func subscribedPing(cl *client, args [][]byte, out []byte) []byte {
	out = cl.ps.take(out)
	out = appendPushHeader(out, cl, 2)
	out = redcon.AppendBulkString(out, "pong")
	if len(args) > 1 {
		return redcon.AppendBulk(out, args[1])
	}
	return redcon.AppendBulkString(out, "")
}

func pubsubSubcommands() []*subCmd {
	spec := func(name string, arity int, summary, since, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: []string{"pubsub", "loading", "stale"}, Group: "pubsub",
			Summary: summary, Since: since, Complexity: complexity}
	}
	names := func(k subKind) func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		return func(s *Server, cl *client, args [][]byte, out []byte) []byte {
			var pattern []byte
			if len(args) > 2 {
				pattern = args[2]
			}
			m := s.hub.channels
			if k == kindShard {
				m = s.hub.shards
			}
			list := s.hub.names(m, pattern)
			out = redcon.AppendArray(out, len(list))
			for _, n := range list {
				out = redcon.AppendBulkString(out, n)
			}
			return out
		}
	}
	numsub := func(k subKind) func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		return func(s *Server, cl *client, args [][]byte, out []byte) []byte {
			m := s.hub.channels
			if k == kindShard {
				m = s.hub.shards
			}
			out = redcon.AppendArray(out, 2*(len(args)-2))
			for _, a := range args[2:] {
				out = redcon.AppendBulk(out, a)
				out = redcon.AppendInt(out, int64(s.hub.numsub(m, a)))
			}
			return out
		}
	}
	return []*subCmd{
		{Spec: spec("channels", -2, "List active channels", "2.8.0",
			"O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)"),
			run: names(kindChannel)},
		{Spec: spec("numsub", -2, "Get the count of subscribers for channels", "2.8.0",
			"O(N) for the NUMSUB subcommand, where N is the number of requested channels"), run: numsub(kindChannel)},
		{Spec: spec("numpat", 2, "Get the count of unique patterns pattern subscriptions", "2.8.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendInt(out, int64(s.hub.numpat()))
			}},
		{Spec: spec("shardchannels", -2, "List active shard channels", "7.0.0",
			"O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels)."),
			run: names(kindShard)},
		{Spec: spec("shardnumsub", -2, "Get the count of subscribers for shard channels", "7.0.0",
			"O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"), run: numsub(kindShard)},
		{Spec: fsm.Spec{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "pubsub",
			Summary: "Show helpful text about the different subcommands", Since: "6.2.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "pubsub", []string{
					"CHANNELS [<pattern>]",
					"    Return the currently active channels matching a <pattern> (default: '*').",
					"NUMPAT",
					"    Return number of subscriptions to patterns.",
					"NUMSUB [<channel> ...]",
					"    Return the number of subscribers for the specified channels, excluding",
					"    pattern subscriptions(default: no channels).",
					"SHARDCHANNELS [<pattern>]",
					"    Return the currently active shard level channels matching a <pattern> (default: '*').",
					"SHARDNUMSUB [<shardchannel> ...]",
					"    Return the number of subscribers for the specified shard level channel(s)",
				})
			}},
	}
}
