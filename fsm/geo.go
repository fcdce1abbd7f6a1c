package fsm

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/quoris/quoris/datatypes"
)

// GEO commands: positions stored in sorted sets, scored by their 52-bit
// geohash (see datatypes/geohash.go for the ported algorithms).

var (
	errGeoDecode      = errors.New("ERR could not decode requested zset member")
	errGeoUnit        = errors.New("ERR unsupported unit provided. please use M, KM, FT, MI")
	errGeoRadius      = errors.New("ERR need numeric radius")
	errGeoNegRadius   = errors.New("ERR radius cannot be negative")
	errGeoWidth       = errors.New("ERR need numeric width")
	errGeoHeight      = errors.New("ERR need numeric height")
	errGeoNegBox      = errors.New("ERR height or width cannot be negative")
	errGeoCount       = errors.New("ERR COUNT must be > 0")
	errGeoAnyNeedsCnt = errors.New("ERR the ANY argument requires COUNT argument")
)

func registerGeo(t *Table) {
	geo := func(name string, arity int, flags []string, first, last int, since, summary, complexity string, run func(*Ctx) error) *Command {
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags, FirstKey: first, LastKey: last, Step: 1,
			Group: "geo", Summary: summary, Since: since, Complexity: complexity,
		}, Run: run}
	}
	var (
		read      = []string{"readonly"}
		writeOOM  = []string{"write", "denyoom"}
		writeMove = []string{"write", "denyoom", "movablekeys"}
		radiusCx  = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index."
		memberCx  = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index."
		searchCx  = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape"
	)
	t.Add(
		geo("geoadd", -5, writeOOM, 1, 1, "3.2.0", "Add one or more geospatial items in the geospatial index represented using a sorted set", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", cmdGeoadd),
		geo("geopos", -2, read, 1, 1, "3.2.0", "Returns longitude and latitude of members of a geospatial index", "O(N) where N is the number of members requested.", cmdGeopos),
		geo("geodist", -4, read, 1, 1, "3.2.0", "Returns the distance between two members of a geospatial index", "O(log(N))", cmdGeodist),
		geo("geohash", -2, read, 1, 1, "3.2.0", "Returns members of a geospatial index as standard geohash strings", "O(log(N)) for each member requested, where N is the number of elements in the sorted set.", cmdGeohash),
		geo("geosearch", -7, read, 1, 1, "6.2.0", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.", searchCx,
			func(c *Ctx) error { return georadiusGeneric(c, 1, geoSearch) }),
		geo("geosearchstore", -8, writeOOM, 1, 2, "6.2.0", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.", searchCx,
			func(c *Ctx) error { return georadiusGeneric(c, 2, geoSearch|geoSearchStore) }),
		withKeys(geo("georadius", -6, writeMove, 1, 1, "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", radiusCx,
			func(c *Ctx) error { return georadiusGeneric(c, 1, geoRadiusCoords) }), StoreKeywordKeys(6)),
		withKeys(geo("georadiusbymember", -5, writeMove, 1, 1, "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", memberCx,
			func(c *Ctx) error { return georadiusGeneric(c, 1, geoRadiusMember) }), StoreKeywordKeys(5)),
		geo("georadius_ro", -6, read, 1, 1, "3.2.10", "A read-only variant for GEORADIUS", radiusCx,
			func(c *Ctx) error { return georadiusGeneric(c, 1, geoRadiusCoords|geoNoStore) }),
		geo("georadiusbymember_ro", -5, read, 1, 1, "3.2.10", "A read-only variant for GEORADIUSBYMEMBER", memberCx,
			func(c *Ctx) error { return georadiusGeneric(c, 1, geoRadiusMember|geoNoStore) }),
	)
}

// geoLongLat is extractLongLatOrReply: two doubles, then the range check,
// whose message prints them with C's "%f".
func geoLongLat(lon, lat []byte) (float64, float64, error) {
	x, ok := datatypes.ParseScore(lon)
	if !ok {
		return 0, 0, ErrNotFloat
	}
	y, ok := datatypes.ParseScore(lat)
	if !ok {
		return 0, 0, ErrNotFloat
	}
	if !datatypes.GeoValidLongLat(x, y) {
		return 0, 0, fmt.Errorf("ERR invalid longitude,latitude pair %s,%s", geoPrintf(x), geoPrintf(y))
	}
	return x, y, nil
}

// geoPrintf is printf's "%f".
func geoPrintf(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// geoUnit is extractUnitOrReply: the unit's size in meters.
func geoUnit(b []byte) (float64, error) {
	switch {
	case strOptIs(b, "m"):
		return 1, nil
	case strOptIs(b, "km"):
		return 1000, nil
	case strOptIs(b, "ft"):
		return 0.3048, nil
	case strOptIs(b, "mi"):
		return 1609.34, nil
	}
	return 0, errGeoUnit
}

// geoDistanceArgs is extractDistanceOrReply: radius, then unit.
func geoDistanceArgs(args [][]byte) (radius, conversion float64, err error) {
	r, ok := datatypes.ParseScore(args[0])
	if !ok {
		return 0, 0, errGeoRadius
	}
	if r < 0 {
		return 0, 0, errGeoNegRadius
	}
	conversion, err = geoUnit(args[1])
	return r, conversion, err
}

// geoBoxArgs is extractBoxOrReply: width, height, then unit.
func geoBoxArgs(args [][]byte) (width, height, conversion float64, err error) {
	w, ok := datatypes.ParseScore(args[0])
	if !ok {
		return 0, 0, 0, errGeoWidth
	}
	h, ok := datatypes.ParseScore(args[1])
	if !ok {
		return 0, 0, 0, errGeoHeight
	}
	if h < 0 || w < 0 {
		return 0, 0, 0, errGeoNegBox
	}
	conversion, err = geoUnit(args[2])
	return w, h, conversion, err
}

// cmdGeoadd checks its options and every position, then hands ZADD the
// scores, as Redis rewrites the command into a ZADD: NX/XX/CH behave (and
// WRONGTYPE is reported) exactly as there.
func cmdGeoadd(c *Ctx) error {
	xx, nx := false, false
	longIdx := 2
options:
	for ; longIdx < len(c.Args); longIdx++ {
		switch a := c.Args[longIdx]; {
		case strOptIs(a, "nx"):
			nx = true
		case strOptIs(a, "xx"):
			xx = true
		case strOptIs(a, "ch"):
		default:
			break options
		}
	}
	if (len(c.Args)-longIdx)%3 != 0 || (xx && nx) {
		return ErrSyntax
	}
	argv := make([][]byte, 0, longIdx+(len(c.Args)-longIdx)/3*2)
	argv = append(argv, []byte("zadd"))
	argv = append(argv, c.Args[1:longIdx]...)
	for i := longIdx; i < len(c.Args); i += 3 {
		lon, lat, err := geoLongLat(c.Args[i], c.Args[i+1])
		if err != nil {
			return err
		}
		argv = append(argv, strconv.AppendUint(nil, datatypes.GeoScore(lon, lat), 10), c.Args[i+2])
	}
	c.Args = argv
	return zaddGeneric(c, false)
}

func cmdGeopos(c *Ctx) error {
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	c.Array(len(c.Args) - 2)
	var buf [64]byte
	for _, m := range c.Args[2:] {
		score, ok := 0.0, false
		if z != nil {
			score, ok = z.Score(string(m))
		}
		if !ok {
			c.NullArray()
			continue
		}
		lon, lat := datatypes.GeoDecode(score)
		c.Array(2)
		c.Bulk(datatypes.AppendGeoCoord(buf[:0], lon))
		c.Bulk(datatypes.AppendGeoCoord(buf[:0], lat))
	}
	return nil
}

func cmdGeodist(c *Ctx) error {
	toMeter := 1.0
	if len(c.Args) == 5 {
		var err error
		if toMeter, err = geoUnit(c.Args[4]); err != nil {
			return err
		}
	} else if len(c.Args) > 5 {
		return ErrSyntax
	}
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if z == nil {
		c.Null()
		return nil
	}
	s1, ok1 := z.Score(c.Arg(2))
	s2, ok2 := z.Score(c.Arg(3))
	if !ok1 || !ok2 {
		c.Null()
		return nil
	}
	lon1, lat1 := datatypes.GeoDecode(s1)
	lon2, lat2 := datatypes.GeoDecode(s2)
	var buf [64]byte
	c.Bulk(datatypes.AppendGeoDistance(buf[:0], datatypes.GeoDistance(lon1, lat1, lon2, lat2)/toMeter))
	return nil
}

func cmdGeohash(c *Ctx) error {
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	c.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		score, ok := 0.0, false
		if z != nil {
			score, ok = z.Score(string(m))
		}
		if !ok {
			c.Null()
			continue
		}
		c.BulkString(datatypes.GeoHashString(score))
	}
	return nil
}
