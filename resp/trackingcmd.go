package resp

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (tracking.go holds
// the tables and the delivery).

func trackingSubcommands() []*subCmd {
	spec := func(name string, arity int, summary, since string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: []string{"noscript", "loading", "stale"}, Group: "connection",
			Summary: summary, Since: since, Complexity: "O(1)"}
	}
	tracking := spec("tracking", -3, "Enable or disable server assisted client side caching support", "6.0.0")
	tracking.Complexity = "O(1). Some options may introduce additional complexity."
	return []*subCmd{
		{Spec: tracking, run: clientTracking},
		{Spec: spec("caching", 3, "Instruct the server about tracking or not keys in the next request", "6.0.0"), run: clientCaching},
		{Spec: spec("getredir", 2, "Get tracking notifications redirection client ID if any", "6.0.0"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendInt(out, cl.trackingRedir())
			}},
		{Spec: spec("trackinginfo", 2, "Return information about server assisted client side caching for the current connection", "6.2.0"),
			run: clientTrackingInfo},
	}
}

// clientTracking is CLIENT TRACKING: options are parsed (and a redirect
// target checked) first, then ON checks them against each other and the
// current mode, in Redis 7.0's order and with its messages.
func clientTracking(s *Server, cl *client, args [][]byte, out []byte) []byte {
	var (
		redir                        int64
		bcast, optin, optout, noloop bool
		prefixes                     []string
	)
	for j := 3; j < len(args); j++ {
		more := j < len(args)-1
		switch opt := strings.ToLower(string(args[j])); {
		case opt == "redirect" && more:
			j++
			if redir != 0 {
				return appendErrStr(out, "ERR A client can only redirect to a single other client")
			}
			n, err := strconv.ParseInt(string(args[j]), 10, 64)
			if err != nil {
				return appendErrStr(out, "ERR value is not an integer or out of range")
			}
			if s.clientByID(n) == nil {
				return appendErrStr(out, "ERR The client ID you want redirect to does not exist")
			}
			redir = n
		case opt == "bcast":
			bcast = true
		case opt == "optin":
			optin = true
		case opt == "optout":
			optout = true
		case opt == "noloop":
			noloop = true
		case opt == "prefix" && more:
			j++
			prefixes = append(prefixes, string(args[j]))
		default:
			return appendSyntaxErr(out)
		}
	}
	switch strings.ToLower(string(args[2])) {
	case "on":
	case "off":
		s.track.disable(cl)
		return redcon.AppendOK(out)
	default:
		return appendSyntaxErr(out)
	}
	old := cl.trk.Load()
	switch {
	case !bcast && len(prefixes) > 0:
		return appendErrStr(out, "ERR PREFIX option requires BCAST mode to be enabled")
	case old != nil && old.bcast != bcast:
		return appendErrStr(out, "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
	case bcast && (optin || optout):
		return appendErrStr(out, "ERR OPTIN and OPTOUT are not compatible with BCAST")
	case optin && optout:
		return appendErrStr(out, "ERR You can't specify both OPTIN mode and OPTOUT mode")
	case old != nil && ((optin && old.optout) || (optout && old.optin)):
		return appendErrStr(out, "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
	}
	if bcast {
		if msg := prefixCollision(old, prefixes); msg != "" {
			return appendErrStr(out, msg)
		}
	}
	s.track.enable(cl, &trackClient{cl: cl, bcast: bcast, optin: optin, optout: optout, noloop: noloop, redirect: redir}, prefixes)
	return redcon.AppendOK(out)
}

// prefixCollision is checkPrefixCollisionsOrReply: two prefixes of one
// client may not be prefixes of each other (they would announce one key
// twice).
func prefixCollision(old *trackClient, prefixes []string) string {
	overlap := func(a, b string) bool { n := min(len(a), len(b)); return a[:n] == b[:n] }
	for i, p := range prefixes {
		if old != nil {
			for _, e := range old.prefixes {
				if overlap(e, p) {
					return "ERR Prefix '" + p + "' overlaps with an existing prefix '" + e + "'. Prefixes for a single client must not overlap."
				}
			}
		}
		for _, q := range prefixes[i+1:] {
			if overlap(p, q) {
				return "ERR Prefix '" + p + "' overlaps with another provided prefix '" + q + "'. Prefixes for a single client must not overlap."
			}
		}
	}
	return ""
}

// enable is enableTracking: the new mode replaces the old one; BCAST
// prefixes accumulate ("" when none is given).
func (t *tracker) enable(cl *client, tc *trackClient, prefixes []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tc.bcast && len(prefixes) == 0 {
		prefixes = []string{""} // Redis adds it even next to older prefixes
	}
	if old := cl.trk.Load(); old != nil {
		t.disableLocked(old)
		if tc.bcast {
			prefixes = append(prefixes, old.prefixes...)
		}
		// The CACHING window survives, as Redis's flag does.
		tc.caching, tc.keep = old.caching, old.keep
	}
	for _, p := range prefixes {
		bs := t.prefixes[p]
		if bs == nil {
			bs = &bcastState{clients: map[*trackClient]struct{}{}, keys: map[string]*trackClient{}}
			t.prefixes[p] = bs
		}
		bs.clients[tc] = struct{}{}
		if !slices.Contains(tc.prefixes, p) {
			tc.prefixes = append(tc.prefixes, p)
		}
	}
	sort.Strings(tc.prefixes)
	t.clients[cl.id] = tc
	cl.trk.Store(tc)
	t.install()
}

// clientCaching is CLIENT CACHING yes|no.
func clientCaching(s *Server, cl *client, args [][]byte, out []byte) []byte {
	tc := cl.trk.Load()
	if tc == nil {
		return appendErrStr(out, "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
	}
	switch strings.ToLower(string(args[2])) {
	case "yes":
		if !tc.optin {
			return appendErrStr(out, "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
		}
	case "no":
		if !tc.optout {
			return appendErrStr(out, "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
		}
	default:
		return appendSyntaxErr(out)
	}
	s.track.mu.Lock()
	tc.caching = true
	s.track.mu.Unlock()
	return redcon.AppendOK(out)
}

// clientTrackingInfo is CLIENT TRACKINGINFO: flags, redirect, prefixes.
func clientTrackingInfo(s *Server, cl *client, args [][]byte, out []byte) []byte {
	proto := cl.proto.Load()
	tc := cl.trk.Load()
	flags := []string{"off"}
	var prefixes []string
	if tc != nil {
		s.track.mu.Lock()
		caching := tc.caching
		prefixes = slices.Clone(tc.prefixes)
		s.track.mu.Unlock()
		flags = []string{"on"}
		if tc.bcast {
			flags = append(flags, "bcast")
		}
		if tc.optin {
			flags = append(flags, "optin")
			if caching {
				flags = append(flags, "caching-yes")
			}
		}
		if tc.optout {
			flags = append(flags, "optout")
			if caching {
				flags = append(flags, "caching-no")
			}
		}
		if tc.noloop {
			flags = append(flags, "noloop")
		}
		if tc.broken.Load() {
			flags = append(flags, "broken_redirect")
		}
	}
	out = appendMapHeader(out, proto, 3)
	out = redcon.AppendBulkString(out, "flags")
	out = appendSetHeader(out, proto, len(flags))
	for _, f := range flags {
		out = redcon.AppendBulkString(out, f)
	}
	out = redcon.AppendBulkString(out, "redirect")
	out = redcon.AppendInt(out, cl.trackingRedir())
	out = redcon.AppendBulkString(out, "prefixes")
	out = redcon.AppendArray(out, len(prefixes))
	for _, p := range prefixes {
		out = redcon.AppendBulkString(out, p)
	}
	return out
}
