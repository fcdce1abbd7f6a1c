package resp3

import (
	"bytes"
)

// Reply shapes of Redis 7.0 commands whose RESP3 form differs from RESP2
// by more than nulls. Checked against redis-server 7.0.15 after HELLO 3
// (resp/resp3_redis_test.go); a command missing here only has its nulls turned
// into '_'.

var (
	dblShape     = &shape{kind: kDouble}
	verbShape    = &shape{kind: kVerbatim}
	setShape     = &shape{kind: kSet}
	mapShape     = &shape{kind: kMap}
	rawShape     = &shape{kind: kRaw}
	scoresShape  = &shape{kind: kPairs, elem: dblShape} // WITHSCORES: [member, score] pairs
	valuesShape  = &shape{kind: kPairs, elem: anyShape} // HRANDFIELD WITHVALUES
	dblsShape    = &shape{kind: kArray, elem: dblShape} // ZMSCORE
	popOneShape  = &shape{kind: kTuple, items: []*shape{anyShape, dblShape}}
	bpopShape    = &shape{kind: kTuple, items: []*shape{anyShape, anyShape, dblShape}}
	mpopShape    = &shape{kind: kTuple, items: []*shape{anyShape, &shape{kind: kArray, elem: popOneShape}}}
	coordShape   = &shape{kind: kArray, elem: dblShape}
	geoposShape  = &shape{kind: kArray, elem: coordShape}
	geoItemShape = &shape{kind: kArray, elem: coordShape} // [name, dist, hash, [lon, lat]]: only the coordinate pair is doubles

	// COMMAND INFO: [name, arity, flags, first, last, step, acl, tips, key specs, subcommands].
	keySpecShape = &shape{kind: kMap, fields: map[string]*shape{
		"flags":        setShape,
		"begin_search": {kind: kMap, fields: map[string]*shape{"spec": mapShape}},
		"find_keys":    {kind: kMap, fields: map[string]*shape{"spec": mapShape}},
	}}
	cmdInfoShape = &shape{kind: kTuple}
	// COMMAND DOCS: name -> doc map, recursively for subcommands and arguments.
	cmdDocShape  = &shape{kind: kMap}
	cmdArgShape  = &shape{kind: kMap}
	cmdDocsShape = &shape{kind: kMap, elem: cmdDocShape}

	memStatsShape = &shape{kind: kMap, fields: map[string]*shape{
		"peak.percentage":               dblShape,
		"dataset.percentage":            dblShape,
		"allocator-fragmentation.ratio": dblShape,
		"allocator-rss.ratio":           dblShape,
		"rss-overhead.ratio":            dblShape,
		"fragmentation":                 dblShape,
	}}
	latHistShape = &shape{kind: kMap, elem: &shape{kind: kMap, fields: map[string]*shape{"histogram_usec": mapShape}}}
	lcsShape     = mapShape
	shardsShape  = &shape{kind: kArray, elem: &shape{kind: kMap, fields: map[string]*shape{
		"nodes": {kind: kArray, elem: mapShape},
	}}}
	getkeysFlags = &shape{kind: kArray, elem: &shape{kind: kTuple, items: []*shape{anyShape, setShape}}}
)

func init() {
	cmdInfoShape.items = []*shape{anyShape, anyShape, setShape, anyShape, anyShape, anyShape, setShape, setShape,
		{kind: kSet, elem: keySpecShape}, {kind: kArrayOrEmptySet, elem: cmdInfoShape}}
	cmdArgShape.fields = map[string]*shape{"flags": setShape, "arguments": {kind: kArray, elem: cmdArgShape}}
	cmdDocShape.fields = map[string]*shape{
		"doc_flags":   setShape,
		"history":     setShape,
		"arguments":   {kind: kArray, elem: cmdArgShape},
		"subcommands": cmdDocsShape,
	}
	// The db.N entries are maps; every other value is a number.
	memStatsShape.elem = mapShape
}

// byName maps a command (or "container|subcommand") to its shape when that
// does not depend on the arguments.
var byName = map[string]*shape{
	"hgetall":                 mapShape,
	"config|get":              mapShape,
	"hello":                   {kind: kMap, fields: map[string]*shape{"modules": {kind: kArray, elem: mapShape}}},
	"smembers":                setShape,
	"sinter":                  setShape,
	"sunion":                  setShape,
	"sdiff":                   setShape,
	"zscore":                  dblShape,
	"zincrby":                 dblShape,
	"zmscore":                 dblsShape,
	"bzpopmin":                bpopShape,
	"bzpopmax":                bpopShape,
	"zmpop":                   mpopShape,
	"bzmpop":                  mpopShape,
	"geopos":                  geoposShape,
	"info":                    verbShape,
	"client|info":             verbShape,
	"client|list":             verbShape,
	"client|trackinginfo":     {kind: kMap, fields: map[string]*shape{"flags": setShape}},
	"latency|doctor":          verbShape,
	"latency|graph":           verbShape,
	"latency|histogram":       latHistShape,
	"memory|doctor":           verbShape,
	"memory|malloc-stats":     verbShape,
	"memory|stats":            memStatsShape,
	"cluster|info":            verbShape,
	"cluster|nodes":           verbShape,
	"cluster|shards":          shardsShape,
	"lolwut":                  verbShape,
	"command":                 {kind: kArray, elem: cmdInfoShape},
	"command|info":            {kind: kArray, elem: cmdInfoShape},
	"command|docs":            cmdDocsShape,
	"command|getkeysandflags": getkeysFlags,
	"exec":                    rawShape,
	"quoris.resp3":            rawShape, // a RESP3 client's script: written in RESP3 by the FSM
	"pubsub|numsub":           mapShape,
	"pubsub|shardnumsub":      mapShape,
}

// containers are the commands whose shape is looked up with their
// subcommand.
var containers = map[string]bool{
	"config": true, "client": true, "latency": true, "memory": true, "cluster": true,
	"command": true, "pubsub": true,
}

// shapeFor is the RESP3 shape of the reply to args.
func shapeFor(args [][]byte) *shape {
	if len(args) == 0 {
		return anyShape
	}
	var buf [64]byte
	key := appendLower(buf[:0], args[0])
	if containers[string(key)] && len(args) > 1 {
		key = appendLower(append(key, '|'), args[1])
		if sh, ok := byName[string(key)]; ok {
			return sh
		}
		return anyShape
	}
	if sh, ok := byName[string(key)]; ok {
		return sh
	}
	name := string(key)
	switch name {
	case "zrange", "zrangebyscore", "zrevrangebyscore", "zrevrange", "zunion", "zinter", "zdiff", "zrandmember":
		if hasOpt(tail(args, 1), "withscores") {
			return scoresShape
		}
	case "zpopmin", "zpopmax":
		if len(args) > 2 {
			return scoresShape
		}
		return popOneShape
	case "zadd":
		if hasOpt(tail(args, 1), "incr") {
			return dblShape
		}
	case "spop":
		if len(args) > 2 {
			return setShape
		}
	case "hrandfield":
		if hasOpt(tail(args, 2), "withvalues") {
			return valuesShape
		}
	case "lcs":
		if hasOpt(tail(args, 3), "idx") {
			return lcsShape
		}
	case "geosearch", "georadius", "georadius_ro", "georadiusbymember", "georadiusbymember_ro":
		if hasOpt(tail(args, 1), "withcoord") {
			return &shape{kind: kArray, elem: geoItemShape}
		}
	}
	return anyShape
}

func hasOpt(args [][]byte, opt string) bool {
	for _, a := range args {
		if bytes.EqualFold(a, []byte(opt)) {
			return true
		}
	}
	return false
}

// appendLower appends b in ASCII lower case.
func appendLower(dst, b []byte) []byte {
	for _, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		dst = append(dst, ch)
	}
	return dst
}

// tail is args from index i, empty when there are fewer.
func tail(args [][]byte, i int) [][]byte {
	if i >= len(args) {
		return nil
	}
	return args[i:]
}
