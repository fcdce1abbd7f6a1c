package fsm

import (
	"fmt"
	"math"
	"sort"

	"github.com/quoris/quoris/datatypes"
)

// GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS family: one parser and one
// search, Redis's georadiusGeneric.

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
	storeEvent                    string // georadiusstore or geosearchstore
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
	q.storeEvent = "georadiusstore"
	if flags&geoSearch != 0 {
		q.storeEvent = "geosearchstore"
	}
	if z == nil {
		if q.store {
			if c.Delete(q.storeKey) {
				c.Notify(NotifyGeneric, "del", q.storeKey)
			}
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
			z.Insert(p.member, score, c.Limits())
		}
	}
	z.FitListpack(c.Limits())
	zsetStore(c, q.storeKey, z, q.storeEvent)
}
