package datatypes

import (
	"math"
	"strconv"
)

// A port of Redis 7.0's geohash.c and geohash_helper.c: GEO members are
// sorted-set members whose score is a 52-bit interleaved geohash, and
// every search walks the same nine boxes with the same floating-point
// steps as Redis, so that results, their order and the printed distances
// and coordinates match byte for byte.

const (
	GeoStepMax = 26 // 26*2 = 52 bits
	// Limits from EPSG:900913 / EPSG:3785 / OSGEO:41001.
	GeoLatMin  = -85.05112878
	GeoLatMax  = 85.05112878
	GeoLongMin = -180
	GeoLongMax = 180
	// EarthRadius is Redis's quadratic mean radius for WGS-84, in meters.
	EarthRadius = 6372797.560856
	mercatorMax = 20037726.37
	// geoDR is M_PI/180.0 as C computes it (two roundings).
	geoDR = 0x1.1df46a2529d39p-6
)

// GeoHashBits is a geohash of 2*Step bits.
type GeoHashBits struct {
	Bits uint64
	Step uint8
}

// IsZero is HASHISZERO: a neighbour excluded from the search.
func (h GeoHashBits) IsZero() bool { return h.Bits == 0 && h.Step == 0 }

type geoRange struct{ min, max float64 }

// GeoArea is a decoded geohash box.
type GeoArea struct {
	Hash      GeoHashBits
	Longitude geoRange
	Latitude  geoRange
}

var (
	geoLongRange = geoRange{GeoLongMin, GeoLongMax}
	geoLatRange  = geoRange{GeoLatMin, GeoLatMax}
)

func interleave64(xlo, ylo uint32) uint64 {
	b := [...]uint64{0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF}
	s := [...]uint{1, 2, 4, 8, 16}
	x, y := uint64(xlo), uint64(ylo)
	for i := 4; i >= 0; i-- {
		x = (x | x<<s[i]) & b[i]
		y = (y | y<<s[i]) & b[i]
	}
	return x | y<<1
}

func deinterleave64(interleaved uint64) uint64 {
	b := [...]uint64{0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF, 0x00000000FFFFFFFF}
	s := [...]uint{0, 1, 2, 4, 8, 16}
	x, y := interleaved, interleaved>>1
	for i := 0; i < 6; i++ {
		x = (x | x>>s[i]) & b[i]
		y = (y | y>>s[i]) & b[i]
	}
	return x | y<<32
}

// geohashEncode interleaves latitude (even bits) and longitude (odd bits).
func geohashEncode(longR, latR geoRange, longitude, latitude float64, step uint8) (GeoHashBits, bool) {
	if step > 32 || step == 0 || (latR.min == 0 && latR.max == 0) || (longR.min == 0 && longR.max == 0) {
		return GeoHashBits{}, false
	}
	if longitude > GeoLongMax || longitude < GeoLongMin || latitude > GeoLatMax || latitude < GeoLatMin {
		return GeoHashBits{}, false
	}
	if latitude < latR.min || latitude > latR.max || longitude < longR.min || longitude > longR.max {
		return GeoHashBits{Step: step}, false
	}
	latOffset := (latitude - latR.min) / (latR.max - latR.min)
	longOffset := (longitude - longR.min) / (longR.max - longR.min)
	scale := float64(uint64(1) << step)
	latOffset *= scale
	longOffset *= scale
	return GeoHashBits{Bits: interleave64(uint32(latOffset), uint32(longOffset)), Step: step}, true
}

func geohashDecode(longR, latR geoRange, hash GeoHashBits) (GeoArea, bool) {
	if hash.IsZero() || (latR.min == 0 && latR.max == 0) || (longR.min == 0 && longR.max == 0) {
		return GeoArea{}, false
	}
	sep := deinterleave64(hash.Bits)
	latScale := latR.max - latR.min
	longScale := longR.max - longR.min
	ilato := uint32(sep)
	ilono := uint32(sep >> 32)
	div := float64(uint64(1) << hash.Step)
	a := GeoArea{Hash: hash}
	a.Latitude.min = latR.min + float64(float64(ilato)/div*latScale)
	a.Latitude.max = latR.min + float64(float64(ilato+1)/div*latScale)
	a.Longitude.min = longR.min + float64(float64(ilono)/div*longScale)
	a.Longitude.max = longR.min + float64(float64(ilono+1)/div*longScale)
	return a, true
}

// center is geohashDecodeAreaToLongLat: the box's middle, clamped.
func (a GeoArea) center() (float64, float64) {
	lon := (a.Longitude.min + a.Longitude.max) / 2
	lon = math.Min(math.Max(lon, GeoLongMin), GeoLongMax)
	lat := (a.Latitude.min + a.Latitude.max) / 2
	lat = math.Min(math.Max(lat, GeoLatMin), GeoLatMax)
	return lon, lat
}

func geohashAlign52Bits(h GeoHashBits) uint64 { return h.Bits << (52 - uint(h.Step)*2) }

// GeoScore is the sorted-set score GEOADD stores for a valid position.
func GeoScore(longitude, latitude float64) uint64 {
	h, _ := geohashEncode(geoLongRange, geoLatRange, longitude, latitude, GeoStepMax)
	return geohashAlign52Bits(h)
}

// GeoValidLongLat is extractLongLatOrReply's range check.
func GeoValidLongLat(longitude, latitude float64) bool {
	return longitude >= GeoLongMin && longitude <= GeoLongMax && latitude >= GeoLatMin && latitude <= GeoLatMax
}

// cUint64 is C's (uint64_t) conversion of a double as GCC compiles it for
// x86-64, including what it does out of range: decodeGeohash applies it
// to any score, and a plain sorted set's member can have any score.
func cUint64(f float64) uint64 {
	const two63 = 0x1p63
	if !(f >= two63) {
		if f >= -two63 && f < two63 {
			return uint64(int64(f))
		}
		return 1 << 63 // cvttsd2si's "integer indefinite" (NaN, < -2^63)
	}
	if g := f - two63; g < two63 {
		return uint64(int64(g)) ^ 1<<63
	}
	return 0
}

// GeoDecode is decodeGeohash: the position a score stands for (the middle
// of its 52-bit box). Redis never fails to decode a 26-step hash.
func GeoDecode(score float64) (longitude, latitude float64) {
	a, _ := geohashDecode(geoLongRange, geoLatRange, GeoHashBits{Bits: cUint64(score), Step: GeoStepMax})
	return a.center()
}

func degRad(ang float64) float64 { return float64(ang * geoDR) }
func radDeg(ang float64) float64 { return ang / geoDR }

// geoLatDistance is the distance along a meridian.
func geoLatDistance(lat1d, lat2d float64) float64 {
	return EarthRadius * math.Abs(degRad(lat2d)-degRad(lat1d))
}

// GeoDistance is geohashGetDistance, the haversine formula; when the
// longitudes are the same it takes Redis's meridian shortcut.
func GeoDistance(lon1d, lat1d, lon2d, lat2d float64) float64 {
	lon1r, lon2r := degRad(lon1d), degRad(lon2d)
	v := Sin((lon2r - lon1r) / 2)
	if v == 0 {
		return geoLatDistance(lat1d, lat2d)
	}
	lat1r, lat2r := degRad(lat1d), degRad(lat2d)
	u := Sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(Cos(lat1r)*Cos(lat2r))*v)*v)
	return 2.0 * EarthRadius * Asin(math.Sqrt(a))
}

// GeoShape is a search area: a circle (radius) or a box (width, height)
// around a center, with the unit's factor to meters.
type GeoShape struct {
	Longitude, Latitude float64
	Box                 bool
	Radius              float64
	Width, Height       float64
	Conversion          float64
	bounds              [4]float64
}

// Within is geoWithinShape: the score's decoded position and its distance
// from the center, or false when it is outside the shape.
func (s *GeoShape) Within(score float64) (lon, lat, dist float64, ok bool) {
	lon, lat = GeoDecode(score)
	if !s.Box {
		dist = GeoDistance(s.Longitude, s.Latitude, lon, lat)
		return lon, lat, dist, !(dist > float64(s.Radius*s.Conversion))
	}
	width, height := float64(s.Width*s.Conversion), float64(s.Height*s.Conversion)
	if geoLatDistance(lat, s.Latitude) > height/2 {
		return lon, lat, 0, false
	}
	if GeoDistance(lon, lat, s.Longitude, lat) > width/2 {
		return lon, lat, 0, false
	}
	return lon, lat, GeoDistance(s.Longitude, s.Latitude, lon, lat), true
}

// geoStepsByRadius is geohashEstimateStepsByRadius.
func geoStepsByRadius(rangeMeters, lat float64) uint8 {
	if rangeMeters == 0 {
		return 26
	}
	step := 1
	for rangeMeters < mercatorMax {
		rangeMeters *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return uint8(min(max(step, 1), 26))
}

// boundingBox is geohashBoundingBox: min lon, min lat, max lon, max lat.
// A box's edges bend towards the pole, so its widest edge is the one
// nearer the equator.
func (s *GeoShape) boundingBox() {
	height, width := s.Radius, s.Radius
	if s.Box {
		height, width = s.Height/2, s.Width/2
	}
	height = float64(s.Conversion * height)
	width = float64(s.Conversion * width)
	latDelta := radDeg(height / EarthRadius)
	longDeltaTop := radDeg(width / EarthRadius / Cos(degRad(s.Latitude+latDelta)))
	longDeltaBottom := radDeg(width / EarthRadius / Cos(degRad(s.Latitude-latDelta)))
	if s.Latitude < 0 {
		s.bounds[0] = s.Longitude - longDeltaBottom
		s.bounds[2] = s.Longitude + longDeltaBottom
	} else {
		s.bounds[0] = s.Longitude - longDeltaTop
		s.bounds[2] = s.Longitude + longDeltaTop
	}
	s.bounds[1] = s.Latitude - latDelta
	s.bounds[3] = s.Latitude + latDelta
}

func geohashMoveX(h *GeoHashBits, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - uint(h.Step)*2)
	if d > 0 {
		x += zz + 1
	} else {
		x |= zz
		x -= zz + 1
	}
	x &= 0xaaaaaaaaaaaaaaaa >> (64 - uint(h.Step)*2)
	h.Bits = x | y
}

func geohashMoveY(h *GeoHashBits, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - uint(h.Step)*2)
	if d > 0 {
		y += zz + 1
	} else {
		y |= zz
		y -= zz + 1
	}
	y &= 0x5555555555555555 >> (64 - uint(h.Step)*2)
	h.Bits = x | y
}

// GeoSearchBoxes is geohashCalculateAreasByShapeWGS84 followed by the box
// order of membersOfAllNeighbors: the center box, then north, south,
// east, west, north-east, north-west, south-east, south-west. Boxes the
// search can skip are zero (see GeoHashBits.IsZero).
func (s *GeoShape) GeoSearchBoxes() [9]GeoHashBits {
	s.boundingBox()
	minLon, minLat, maxLon, maxLat := s.bounds[0], s.bounds[1], s.bounds[2], s.bounds[3]
	radius := s.Radius
	if s.Box {
		radius = math.Sqrt(float64((s.Width/2)*(s.Width/2)) + float64((s.Height/2)*(s.Height/2)))
	}
	radius *= s.Conversion
	steps := geoStepsByRadius(radius, s.Latitude)

	var hash GeoHashBits
	var n [9]GeoHashBits // 0 center, then N S E W NE NW SE SW
	var area GeoArea
	compute := func() {
		hash, _ = geohashEncode(geoLongRange, geoLatRange, s.Longitude, s.Latitude, steps)
		n = geoNeighbors(hash)
		area, _ = geohashDecode(geoLongRange, geoLatRange, hash)
	}
	compute()
	// Near an edge of the covered area the estimated step may leave a
	// neighbour box too small to cover the search: use larger boxes.
	north, _ := geohashDecode(geoLongRange, geoLatRange, n[1])
	south, _ := geohashDecode(geoLongRange, geoLatRange, n[2])
	east, _ := geohashDecode(geoLongRange, geoLatRange, n[3])
	west, _ := geohashDecode(geoLongRange, geoLatRange, n[4])
	decrease := north.Latitude.max < maxLat || south.Latitude.min > minLat ||
		east.Longitude.max < maxLon || west.Longitude.min > minLon
	if steps > 1 && decrease {
		steps--
		compute()
	}
	if steps >= 2 {
		zero := func(idx ...int) {
			for _, i := range idx {
				n[i] = GeoHashBits{}
			}
		}
		if area.Latitude.min < minLat {
			zero(2, 8, 7) // south, south-west, south-east
		}
		if area.Latitude.max > maxLat {
			zero(1, 5, 6) // north, north-east, north-west
		}
		if area.Longitude.min < minLon {
			zero(4, 8, 6) // west, south-west, north-west
		}
		if area.Longitude.max > maxLon {
			zero(3, 7, 5) // east, south-east, north-east
		}
	}
	n[0] = hash
	return n
}

// geoNeighbors returns [center, N, S, E, W, NE, NW, SE, SW].
func geoNeighbors(h GeoHashBits) [9]GeoHashBits {
	moves := [9][2]int{{0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}}
	var n [9]GeoHashBits
	for i, m := range moves {
		n[i] = h
		geohashMoveX(&n[i], m[0])
		geohashMoveY(&n[i], m[1])
	}
	return n
}

// GeoBoxScores is scoresOfGeoHashBox: the scores [min, max) of the
// members inside box h.
func GeoBoxScores(h GeoHashBits) (float64, float64) {
	lo := geohashAlign52Bits(h)
	h.Bits++
	return float64(lo), float64(geohashAlign52Bits(h))
}

// GeoHashString is GEOHASH's 11-character standard geohash of a score:
// decoded, re-encoded with latitudes in [-90, 90], the 11th character 0.
func GeoHashString(score float64) string {
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	lon, lat := GeoDecode(score)
	h, _ := geohashEncode(geoRange{-180, 180}, geoRange{-90, 90}, lon, lat, 26)
	var buf [11]byte
	for i := range buf {
		idx := uint64(0)
		if i < 10 {
			idx = (h.Bits >> (52 - (uint(i)+1)*5)) & 0x1f
		}
		buf[i] = alphabet[idx]
	}
	return string(buf[:])
}

// AppendGeoCoord formats a coordinate as addReplyHumanLongDouble does:
// "%.17Lf" with trailing zeros (and a trailing dot) removed, "-0" as "0".
func AppendGeoCoord(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) {
		return AppendScore(dst, f)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', 17, 64)
	end := len(dst)
	for dst[end-1] == '0' {
		end--
	}
	if dst[end-1] == '.' {
		end--
	}
	dst = dst[:end]
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}

// AppendGeoDistance formats a distance as Redis does, "%.4f".
func AppendGeoDistance(dst []byte, d float64) []byte {
	return strconv.AppendFloat(dst, d, 'f', 4, 64)
}

// PartialSort is Redis's pqsort (a Bentley-McIlroy quicksort that only
// recurses into parts overlapping [lrange, rrange]), which GEO searches
// with COUNT use. It is not stable, so ties between equal distances come
// out in the order only this exact algorithm produces.
func PartialSort(n int, cmp func(i, j int) int, swap func(i, j int), lrange, rrange int) {
	pqsort(0, n, cmp, swap, lrange, rrange)
}

func pqsort(a, n int, cmp func(i, j int) int, swap func(i, j int), lrange, rrange int) {
	vecswap := func(i, j, k int) {
		for ; k > 0; k-- {
			swap(i, j)
			i++
			j++
		}
	}
	med3 := func(a, b, c int) int {
		if cmp(a, b) < 0 {
			if cmp(b, c) < 0 {
				return b
			}
			if cmp(a, c) < 0 {
				return c
			}
			return a
		}
		if cmp(b, c) > 0 {
			return b
		}
		if cmp(a, c) < 0 {
			return a
		}
		return c
	}
	for {
		if n < 7 {
			for pm := a + 1; pm < a+n; pm++ {
				for pl := pm; pl > a && cmp(pl-1, pl) > 0; pl-- {
					swap(pl, pl-1)
				}
			}
			return
		}
		pm := a + n/2
		if n > 7 {
			pl, pn := a, a+n-1
			if n > 40 {
				d := n / 8
				pl = med3(pl, pl+d, pl+2*d)
				pm = med3(pm-d, pm, pm+d)
				pn = med3(pn-2*d, pn-d, pn)
			}
			pm = med3(pl, pm, pn)
		}
		swap(a, pm)
		pa, pb := a+1, a+1
		pc, pd := a+n-1, a+n-1
		for {
			for pb <= pc {
				r := cmp(pb, a)
				if r > 0 {
					break
				}
				if r == 0 {
					swap(pa, pb)
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := cmp(pc, a)
				if r < 0 {
					break
				}
				if r == 0 {
					swap(pc, pd)
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			swap(pb, pc)
			pb++
			pc--
		}
		pn := a + n
		r := min(pa-a, pb-pa)
		vecswap(a, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		vecswap(pb, pn-r, r)
		// A part is skipped when the wanted range lies wholly before or
		// wholly after it.
		outside := func(s, l int) bool {
			return (lrange < s && rrange < s) || (lrange >= s+l && rrange >= s+l)
		}
		if r = pb - pa; r > 1 && !outside(a, r) {
			pqsort(a, r, cmp, swap, lrange, rrange)
		}
		if r = pd - pc; r > 1 {
			a, n = pn-r, r
			if !outside(a, n) {
				continue
			}
		}
		return
	}
}
