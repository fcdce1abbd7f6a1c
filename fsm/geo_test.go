package fsm

import "testing"

// Expected replies below were produced by redis-server 7.0.15 (the same
// commands, in the same order, on an empty server).

// GEOADD, GEOPOS, GEODIST and GEOHASH.
func TestGeoaddPosDistHash(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"}, ":2\r\n"},
		{[]string{"GEOADD", "g", "CH", "NX", "13.361389", "38.115556", "Palermo", "2.3488", "48.8534", "Paris"}, ":1\r\n"},
		{[]string{"GEOADD", "g", "XX", "CH", "13.361389", "38.2", "Palermo", "1", "1", "nosuch"}, ":1\r\n"},
		{[]string{"GEOADD", "g", "XX", "13.361389", "38.115556", "Palermo"}, ":0\r\n"},
		{[]string{"GEOADD", "g", "-180", "-85.05112878", "sw", "180", "85.05112878", "ne", "0", "0", "zero"}, ":3\r\n"},
		{[]string{"ZRANGE", "g", "0", "-1", "WITHSCORES"}, "*12\r\n$2\r\nsw\r\n$1\r\n0\r\n$4\r\nzero\r\n$16\r\n3377699720527872\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n$5\r\nParis\r\n$16\r\n3663832752681684\r\n$2\r\nne\r\n$17\r\n13510798882111488\r\n"},
		{[]string{"OBJECT", "ENCODING", "g"}, "$8\r\nlistpack\r\n"},
		{[]string{"GEOPOS", "g", "Palermo", "Catania", "nosuch", "sw", "ne", "zero"}, "*6\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n*-1\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$19\r\n0.00000268220901489\r\n$19\r\n0.00000126736058093\r\n"},
		{[]string{"GEOPOS", "nokey", "a", "b"}, "*2\r\n*-1\r\n*-1\r\n"},
		{[]string{"GEOPOS", "g"}, "*0\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "Catania"}, "$11\r\n166274.1516\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "Catania", "km"}, "$8\r\n166.2742\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "Catania", "MI"}, "$8\r\n103.3182\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "Catania", "ft"}, "$11\r\n545518.8700\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "Paris", "m"}, "$12\r\n1485445.4592\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "nosuch"}, "$-1\r\n"},
		{[]string{"GEODIST", "nokey", "a", "b"}, "$-1\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "Catania", "yards"}, "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"},
		{[]string{"GEODIST", "nokey", "a", "b", "yards"}, "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"},
		{[]string{"GEODIST", "g", "Palermo", "Catania", "km", "extra"}, "-ERR syntax error\r\n"},
		{[]string{"GEOHASH", "g", "Palermo", "Catania", "nosuch", "sw", "ne", "zero"}, "*6\r\n$11\r\nsqc8b49rny0\r\n$11\r\nsqdtr74hyu0\r\n$-1\r\n$11\r\n00bh0hbj200\r\n$11\r\nbp05b5048p0\r\n$11\r\ns0000000000\r\n"},
		{[]string{"GEOHASH", "nokey", "a"}, "*1\r\n$-1\r\n"},
		{[]string{"GEOHASH", "g"}, "*0\r\n"},
		// Plain sorted-set members with scores that are no geohash still decode.
		{[]string{"ZADD", "g", "-1", "neg", "1e300", "huge", "3.5", "frac"}, ":3\r\n"},
		{[]string{"GEOPOS", "g", "neg", "huge", "frac"}, "*3\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22\r\n-179.99999195337295532\r\n$21\r\n-85.05112497791824921\r\n"},
		{[]string{"GEOHASH", "g", "neg", "huge", "frac"}, "*3\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj210\r\n"},
		{[]string{"GEODIST", "g", "neg", "huge"}, "$13\r\n18919844.5891\r\n"},
		// Errors: syntax, then each position, then the key's type.
		{[]string{"GEOADD", "g", "1", "2"}, "-ERR wrong number of arguments for 'geoadd' command\r\n"},
		{[]string{"GEOADD", "g", "NX", "XX", "1", "2", "m"}, "-ERR syntax error\r\n"},
		{[]string{"GEOADD", "g", "NX", "1", "2"}, "-ERR syntax error\r\n"},
		{[]string{"GEOADD", "g", "GT", "1", "2", "m"}, "-ERR syntax error\r\n"},
		{[]string{"GEOADD", "g", "CH", "CH", "CH"}, "-ERR syntax error\r\n"},
		{[]string{"GEOADD", "g", "181", "0", "m"}, "-ERR invalid longitude,latitude pair 181.000000,0.000000\r\n"},
		{[]string{"GEOADD", "g", "0", "85.06", "m"}, "-ERR invalid longitude,latitude pair 0.000000,85.060000\r\n"},
		{[]string{"GEOADD", "g", "-180.5", "-86", "m"}, "-ERR invalid longitude,latitude pair -180.500000,-86.000000\r\n"},
		{[]string{"GEOADD", "g", "inf", "0", "m"}, "-ERR invalid longitude,latitude pair inf,0.000000\r\n"},
		{[]string{"GEOADD", "g", "x", "0", "m"}, "-ERR value is not a valid float\r\n"},
		{[]string{"GEOADD", "g", "0", "y", "m"}, "-ERR value is not a valid float\r\n"},
		{[]string{"GEOADD", "g", "1", "1", "ok", "200", "0", "bad"}, "-ERR invalid longitude,latitude pair 200.000000,0.000000\r\n"},
		{[]string{"EXISTS", "ok"}, ":0\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"GEOADD", "str", "1", "1", "m"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEOADD", "str", "200", "1", "m"}, "-ERR invalid longitude,latitude pair 200.000000,1.000000\r\n"},
		{[]string{"GEOPOS", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEODIST", "str", "a", "b"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEODIST", "str", "a", "b", "yards"}, "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"},
		{[]string{"GEOHASH", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEOADD", "long", "1", "1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "long"}, "$8\r\nskiplist\r\n"},
	})
}

// GEOSEARCH and GEOSEARCHSTORE: shapes, options, ordering, STOREDIST, and
// the argument errors in Redis's order.
func TestGeosearch(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2", "13.5", "37.5", "t1", "13.5", "37.5", "t2", "13.5", "37.5", "t3"}, ":7\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"}, "*5\r\n$7\r\nCatania\r\n$2\r\nt1\r\n$2\r\nt2\r\n$2\r\nt3\r\n$7\r\nPalermo\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "DESC", "WITHDIST", "WITHCOORD", "WITHHASH"}, "*5\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*4\r\n$2\r\nt1\r\n$8\r\n143.9763\r\n:3479032720861564\r\n*2\r\n$20\r\n13.50000053644180298\r\n$19\r\n37.4999993619508345\r\n*4\r\n$2\r\nt2\r\n$8\r\n143.9763\r\n:3479032720861564\r\n*2\r\n$20\r\n13.50000053644180298\r\n$19\r\n37.4999993619508345\r\n*4\r\n$2\r\nt3\r\n$8\r\n143.9763\r\n:3479032720861564\r\n*2\r\n$20\r\n13.50000053644180298\r\n$19\r\n37.4999993619508345\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"}, "*5\r\n$2\r\nt1\r\n$2\r\nt2\r\n$2\r\nt3\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "ASC", "WITHDIST"}, "*6\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n*2\r\n$2\r\nt1\r\n$7\r\n69.5412\r\n*2\r\n$2\r\nt2\r\n$7\r\n69.5412\r\n*2\r\n$2\r\nt3\r\n$7\r\n69.5412\r\n*2\r\n$5\r\nedge1\r\n$7\r\n91.4007\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "200", "50", "km", "ASC"}, "*1\r\n$7\r\nPalermo\r\n"},
		{[]string{"GEOSEARCH", "g", "BYRADIUS", "100", "km", "FROMMEMBER", "t1", "WITHDIST"}, "*4\r\n*2\r\n$2\r\nt1\r\n$6\r\n0.0000\r\n*2\r\n$2\r\nt2\r\n$6\r\n0.0000\r\n*2\r\n$2\r\nt3\r\n$6\r\n0.0000\r\n*2\r\n$7\r\nPalermo\r\n$7\r\n69.5412\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "13.5", "37.5", "BYRADIUS", "1", "km", "COUNT", "2"}, "*2\r\n$2\r\nt1\r\n$2\r\nt2\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "13.5", "37.5", "BYRADIUS", "1", "km", "COUNT", "2", "DESC"}, "*2\r\n$2\r\nt1\r\n$2\r\nt2\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "13.5", "37.5", "BYRADIUS", "500", "km", "COUNT", "3", "ANY"}, "*3\r\n$2\r\nt1\r\n$2\r\nt2\r\n$2\r\nt3\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "13.5", "37.5", "BYRADIUS", "500", "km", "COUNT", "3", "ANY", "ASC", "WITHDIST"}, "*3\r\n*2\r\n$2\r\nt1\r\n$6\r\n0.0001\r\n*2\r\n$2\r\nt2\r\n$6\r\n0.0001\r\n*2\r\n$2\r\nt3\r\n$6\r\n0.0001\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "13.5", "37.5", "BYRADIUS", "0", "km", "WITHDIST"}, "*0\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}, "*0\r\n"},
		{[]string{"GEOSEARCH", "nokey", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}, "*0\r\n"},
		{[]string{"GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m"}, "*0\r\n"},
		{[]string{"GEOSEARCHSTORE", "dst", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"}, ":5\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*10\r\n$2\r\nt1\r\n$16\r\n3479032720861564\r\n$2\r\nt2\r\n$16\r\n3479032720861564\r\n$2\r\nt3\r\n$16\r\n3479032720861564\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n"},
		{[]string{"GEOSEARCHSTORE", "dst", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST", "COUNT", "1"}, ":1\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*2\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n"},
		{[]string{"GEOSEARCHSTORE", "dst", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}, ":0\r\n"},
		{[]string{"EXISTS", "dst"}, ":0\r\n"},
		{[]string{"GEOSEARCHSTORE", "dst", "nokey", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}, ":0\r\n"},
		// Errors.
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37"}, "-ERR wrong number of arguments for 'geosearch' command\r\n"},
		{[]string{"GEOSEARCH", "g", "BYRADIUS", "1", "km"}, "-ERR wrong number of arguments for 'geosearch' command\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"}, "-ERR syntax error\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMMEMBER", "Palermo", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"}, "-ERR syntax error\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"}, "-ERR syntax error\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMMEMBER", "nosuch", "BYRADIUS", "1", "km"}, "-ERR could not decode requested zset member\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMMEMBER", "nosuch", "BYRADIUS", "x", "km"}, "-ERR could not decode requested zset member\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "200", "37", "BYRADIUS", "1", "km"}, "-ERR invalid longitude,latitude pair 200.000000,37.000000\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"}, "-ERR radius cannot be negative\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "x", "km"}, "-ERR need numeric radius\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "yards"}, "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"}, "-ERR need numeric width\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"}, "-ERR need numeric height\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"}, "-ERR height or width cannot be negative\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "0"}, "-ERR COUNT must be > 0\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "ANY"}, "-ERR the ANY argument requires COUNT argument\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT"}, "-ERR syntax error\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STOREDIST"}, "-ERR syntax error\r\n"},
		{[]string{"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "dst"}, "-ERR syntax error\r\n"},
		{[]string{"geosearch", "g", "BYRADIUS", "1", "km", "ASC", "WITHDIST"}, "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch\r\n"},
		{[]string{"geoSearch", "g", "FROMLONLAT", "15", "37", "ASC", "WITHDIST"}, "-ERR exactly one of BYRADIUS and BYBOX can be specified for geoSearch\r\n"},
		{[]string{"GEOSEARCHSTORE", "dst", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "WITHDIST"}, "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n"},
		{[]string{"GEOSEARCHSTORE", "dst", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "x"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"GEOSEARCH", "str", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEOSEARCH", "str", "bogus"}, "-ERR wrong number of arguments for 'geosearch' command\r\n"},
		{[]string{"GEOSEARCHSTORE", "dst", "str", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEOSEARCHSTORE", "str", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"}, ":5\r\n"},
		{[]string{"TYPE", "str"}, "+zset\r\n"},
	})
}

// GEORADIUS, GEORADIUSBYMEMBER and the _RO forms, STORE and STOREDIST.
func TestGeoradius(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "13.5", "37.5", "t1"}, ":3\r\n"},
		{[]string{"GEORADIUS", "g", "15", "37", "200", "km"}, "*3\r\n$2\r\nt1\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n"},
		{[]string{"GEORADIUS", "g", "15", "37", "200", "km", "WITHDIST", "ASC"}, "*3\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$2\r\nt1\r\n$8\r\n143.9763\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n"},
		{[]string{"GEORADIUS", "g", "15", "37", "200", "km", "WITHCOORD", "DESC", "COUNT", "1"}, "*1\r\n*2\r\n$7\r\nPalermo\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n"},
		{[]string{"GEORADIUS_RO", "g", "15", "37", "200", "km", "WITHHASH"}, "*3\r\n*2\r\n$2\r\nt1\r\n:3479032720861564\r\n*2\r\n$7\r\nPalermo\r\n:3479099956230698\r\n*2\r\n$7\r\nCatania\r\n:3479447370796909\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "g", "Palermo", "100", "km", "WITHDIST"}, "*2\r\n*2\r\n$2\r\nt1\r\n$7\r\n69.5412\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n"},
		{[]string{"GEORADIUSBYMEMBER_RO", "g", "Palermo", "100", "km", "ASC"}, "*2\r\n$7\r\nPalermo\r\n$2\r\nt1\r\n"},
		{[]string{"GEORADIUS", "g", "15", "37", "200", "km", "STORE", "dst"}, ":3\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*6\r\n$2\r\nt1\r\n$16\r\n3479032720861564\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n"},
		{[]string{"GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "dst", "COUNT", "2", "DESC"}, ":2\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*4\r\n$2\r\nt1\r\n$18\r\n143.97628893849884\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "g", "Palermo", "1", "m", "STORE", "dst"}, ":1\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*2\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "1", "m", "STORE", "dst"}, ":0\r\n"},
		{[]string{"EXISTS", "dst"}, ":0\r\n"},
		{[]string{"GEORADIUS", "nokey", "0", "0", "1", "m", "STORE", "dst"}, ":0\r\n"},
		{[]string{"GEORADIUS", "nokey", "0", "0", "1", "m"}, "*0\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "nokey", "x", "1", "m"}, "*0\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "nokey", "x", "y", "z"}, "*0\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "nokey", "x", "1", "m", "bogus"}, "-ERR syntax error\r\n"},
		// Errors.
		{[]string{"GEORADIUS", "g", "200", "0", "1", "m"}, "-ERR invalid longitude,latitude pair 200.000000,0.000000\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "x", "m"}, "-ERR need numeric radius\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "1", "yards"}, "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "-1", "m"}, "-ERR radius cannot be negative\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "1", "m", "STORE", "dst", "WITHDIST"}, "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "1", "m", "STORE"}, "-ERR syntax error\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "1", "m", "FROMLONLAT", "1", "1"}, "-ERR syntax error\r\n"},
		{[]string{"GEORADIUS_RO", "g", "0", "0", "1", "m", "STORE", "dst"}, "-ERR syntax error\r\n"},
		{[]string{"GEORADIUSBYMEMBER_RO", "g", "Palermo", "1", "m", "STOREDIST", "dst"}, "-ERR syntax error\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "g", "nosuch", "1", "m"}, "-ERR could not decode requested zset member\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "g", "nosuch", "x", "m"}, "-ERR could not decode requested zset member\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "g", "Palermo", "x", "m"}, "-ERR need numeric radius\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "1", "m", "ANY"}, "-ERR the ANY argument requires COUNT argument\r\n"},
		{[]string{"GEORADIUS", "g", "0", "0", "1", "m", "COUNT", "-5"}, "-ERR COUNT must be > 0\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"GEORADIUS", "str", "0", "0", "1", "m"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEORADIUS", "str", "200", "0", "1", "m"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEORADIUSBYMEMBER", "str", "a", "1", "m"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"GEORADIUS", "g", "15", "37", "200", "km", "STORE", "str"}, ":3\r\n"},
		{[]string{"TYPE", "str"}, "+zset\r\n"},
	})
}
