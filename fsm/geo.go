package fsm

import (
	"errors"
	"fmt"
	"math"
	"sort"
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
		geo("georadius", -6, writeMove, 1, 1, "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", radiusCx,
			func(c *Ctx) error { return georadiusGeneric(c, 1, geoRadiusCoords) }),
		geo("georadiusbymember", -5, writeMove, 1, 1, "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", memberCx,
			func(c *Ctx) error { return georadiusGeneric(c, 1, geoRadiusMember) }),
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

// georadiusGeneric's flags.
const (
	geoRadiusCoords = 1 << iota
	geoRadiusMember
	geoNoStore
	geoSearch
	geoSearchStore
)

// geoPoint is one search result.
type geoPoint struct {
	lon, lat, dist, score float64
	member                string
}

// geoQuery is what georadiusGeneric parses.
type geoQuery struct {
	shape                         datatypes.GeoShape
	withDist, withHash, withCoord bool
	any                           bool
	sort                          int // 0 none, 1 asc, 2 desc
	count                         int64
	storeKey                      string
	store, storeDist              bool
}

// georadiusGeneric serves GEORADIUS, GEORADIUSBYMEMBER, their _RO forms,
// GEOSEARCH and GEOSEARCHSTORE, checking arguments in Redis's order: the
// key's type, the fixed position arguments, the options left to right
// (a missing FROMMEMBER member is reported where it is met), then the
// combinations; only then a missing key answers empty.
func georadiusGeneric(c *Ctx, srcIdx int, flags int) error {
	z, err := zsetRead(c, c.Arg(srcIdx))
	if err != nil {
		return err
	}
	var q geoQuery
	baseArgs := 0
	switch {
	case flags&geoRadiusCoords != 0:
		baseArgs = 6
		lon, lat, err := geoLongLat(c.Args[2], c.Args[3])
		if err != nil {
			return err
		}
		q.shape.Longitude, q.shape.Latitude = lon, lat
		if q.shape.Radius, q.shape.Conversion, err = geoDistanceArgs(c.Args[4:6]); err != nil {
			return err
		}
	case flags&geoRadiusMember != 0:
		baseArgs = 5
		if z != nil {
			if err := geoFromMember(z, c.Args[2], &q.shape); err != nil {
				return err
			}
			if q.shape.Radius, q.shape.Conversion, err = geoDistanceArgs(c.Args[3:5]); err != nil {
				return err
			}
		}
	default:
		baseArgs = 2
		if flags&geoSearchStore != 0 {
			baseArgs = 3
			q.store, q.storeKey = true, c.Arg(1)
		}
	}
	if err := geoOptions(c, z, flags, baseArgs, &q); err != nil {
		return err
	}
	if z == nil {
		if q.store {
			c.Delete(q.storeKey)
			c.Int(0)
		} else {
			c.Array(0)
		}
		return nil
	}
	if q.count != 0 && q.sort == 0 && !q.any {
		// The nearest N need sorting; ANY takes the first N found.
		q.sort = 1
	}
	limit := 0
	if q.any {
		limit = int(min(q.count, math.MaxInt32))
	}
	points := geoMembersOfAllNeighbors(z, &q.shape, limit)
	if len(points) == 0 && !q.store {
		c.Array(0)
		return nil
	}
	returned := len(points)
	if q.count != 0 && int64(returned) > q.count {
		returned = int(q.count)
	}
	geoSortPoints(points, q.sort, returned)
	points = points[:returned]
	if q.store {
		geoStore(c, &q, points)
		return nil
	}
	geoReply(c, &q, points)
	return nil
}

// geoFromMember centers shape on member's position.
func geoFromMember(z *datatypes.ZSet, member []byte, shape *datatypes.GeoShape) error {
	score, ok := z.Score(string(member))
	if !ok {
		return errGeoDecode
	}
	shape.Longitude, shape.Latitude = datatypes.GeoDecode(score)
	return nil
}

func geoOptions(c *Ctx, z *datatypes.ZSet, flags, baseArgs int, q *geoQuery) error {
	search := flags&geoSearch != 0
	var fromMember, fromLoc, byRadius, byBox bool
	remaining := len(c.Args) - baseArgs
	for i := 0; i < remaining; i++ {
		j := baseArgs + i
		a := c.Args[j]
		switch {
		case strOptIs(a, "withdist"):
			q.withDist = true
		case strOptIs(a, "withhash"):
			q.withHash = true
		case strOptIs(a, "withcoord"):
			q.withCoord = true
		case strOptIs(a, "any"):
			q.any = true
		case strOptIs(a, "asc"):
			q.sort = 1
		case strOptIs(a, "desc"):
			q.sort = 2
		case strOptIs(a, "count") && i+1 < remaining:
			n, ok := datatypes.ParseInt(c.Args[j+1])
			if !ok {
				return ErrNotInteger
			}
			if n <= 0 {
				return errGeoCount
			}
			q.count = n
			i++
		case (strOptIs(a, "store") || strOptIs(a, "storedist")) && i+1 < remaining && flags&(geoNoStore|geoSearch) == 0:
			q.store, q.storeKey, q.storeDist = true, c.Arg(j+1), strOptIs(a, "storedist")
			i++
		case strOptIs(a, "storedist") && search && flags&geoSearchStore != 0:
			q.storeDist = true
		case strOptIs(a, "frommember") && i+1 < remaining && search && !fromLoc:
			if z != nil {
				if err := geoFromMember(z, c.Args[j+1], &q.shape); err != nil {
					return err
				}
			}
			fromMember = true
			i++
		case strOptIs(a, "fromlonlat") && i+2 < remaining && search && !fromMember:
			lon, lat, err := geoLongLat(c.Args[j+1], c.Args[j+2])
			if err != nil {
				return err
			}
			q.shape.Longitude, q.shape.Latitude = lon, lat
			fromLoc = true
			i += 2
		case strOptIs(a, "byradius") && i+2 < remaining && search && !byBox:
			r, conv, err := geoDistanceArgs(c.Args[j+1 : j+3])
			if err != nil {
				return err
			}
			q.shape.Box, q.shape.Radius, q.shape.Conversion = false, r, conv
			byRadius = true
			i += 2
		case strOptIs(a, "bybox") && i+3 < remaining && search && !byRadius:
			w, h, conv, err := geoBoxArgs(c.Args[j+1 : j+4])
			if err != nil {
				return err
			}
			q.shape.Box, q.shape.Width, q.shape.Height, q.shape.Conversion = true, w, h, conv
			byBox = true
			i += 3
		default:
			return ErrSyntax
		}
	}
	if q.store && (q.withDist || q.withHash || q.withCoord) {
		what := "STORE option in GEORADIUS"
		if flags&geoSearchStore != 0 {
			what = "GEOSEARCHSTORE"
		}
		return fmt.Errorf("ERR %s is not compatible with WITHDIST, WITHHASH and WITHCOORD options", what)
	}
	if search && !fromMember && !fromLoc {
		return fmt.Errorf("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for %s", c.Args[0])
	}
	if search && !byRadius && !byBox {
		return fmt.Errorf("ERR exactly one of BYRADIUS and BYBOX can be specified for %s", c.Args[0])
	}
	if q.any && q.count == 0 {
		return errGeoAnyNeedsCnt
	}
	return nil
}

// geoMembersOfAllNeighbors is membersOfAllNeighbors: the nine boxes in
// order, a box equal to the one processed just before skipped (Redis's
// test, which never compares against the center box), stopping once
// limit points are found (ANY).
func geoMembersOfAllNeighbors(z *datatypes.ZSet, shape *datatypes.GeoShape, limit int) []geoPoint {
	boxes := shape.GeoSearchBoxes()
	var points []geoPoint
	lastProcessed := 0
	for i, b := range boxes {
		if b.IsZero() {
			continue
		}
		if lastProcessed != 0 && b == boxes[lastProcessed] {
			continue
		}
		if len(points) > 0 && limit > 0 && len(points) >= limit {
			break
		}
		lo, hi := datatypes.GeoBoxScores(b)
		start := z.Search(func(e datatypes.ZItem) bool { return e.Score >= lo })
		z.Ascend(start, func(e datatypes.ZItem) bool {
			if !(e.Score < hi) {
				return false
			}
			if lon, lat, dist, ok := shape.Within(e.Score); ok {
				points = append(points, geoPoint{lon: lon, lat: lat, dist: dist, score: e.Score, member: e.Member})
			}
			return !(len(points) > 0 && limit > 0 && len(points) >= limit)
		})
		lastProcessed = i
	}
	return points
}

// geoSortPoints orders by distance like Redis: glibc's qsort, a stable
// merge sort, for the whole result; its partial quicksort when COUNT cuts
// the result short (ties then fall as that algorithm leaves them).
func geoSortPoints(points []geoPoint, order, returned int) {
	if order == 0 || len(points) == 0 {
		return
	}
	cmp := func(a, b float64) int {
		r := -1
		switch {
		case a > b:
			r = 1
		case a == b:
			r = 0
		}
		if order == 2 {
			r = -r
		}
		return r
	}
	if returned == len(points) {
		sort.SliceStable(points, func(i, j int) bool { return cmp(points[i].dist, points[j].dist) < 0 })
		return
	}
	datatypes.PartialSort(len(points),
		func(i, j int) int { return cmp(points[i].dist, points[j].dist) },
		func(i, j int) { points[i], points[j] = points[j], points[i] },
		0, returned-1)
}

func geoReply(c *Ctx, q *geoQuery, points []geoPoint) {
	options := 0
	for _, on := range []bool{q.withDist, q.withCoord, q.withHash} {
		if on {
			options++
		}
	}
	c.Array(len(points))
	var buf [64]byte
	for _, p := range points {
		if options > 0 {
			c.Array(options + 1)
		}
		c.BulkString(p.member)
		if q.withDist {
			c.Bulk(datatypes.AppendGeoDistance(buf[:0], p.dist/q.shape.Conversion))
		}
		if q.withHash {
			c.Int(int64(p.score))
		}
		if q.withCoord {
			c.Array(2)
			c.Bulk(datatypes.AppendGeoCoord(buf[:0], p.lon))
			c.Bulk(datatypes.AppendGeoCoord(buf[:0], p.lat))
		}
	}
}

// geoStore writes the result as a sorted set scored by geohash (or by
// distance with STOREDIST), built as Redis builds it: a skiplist turned
// into a listpack when small.
func geoStore(c *Ctx, q *geoQuery, points []geoPoint) {
	z := datatypes.NewZSetEncoded(true)
	for _, p := range points {
		score := p.score
		if q.storeDist {
			score = p.dist / q.shape.Conversion
		}
		if _, dup := z.Score(p.member); !dup {
			z.Insert(p.member, score)
		}
	}
	z.FitListpack()
	zsetStore(c, q.storeKey, z)
}
