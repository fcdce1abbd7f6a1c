package datatypes

import "math"

// The search side of Redis's geohash_helper.c and geo.c: the nine boxes a
// radius or box query scans, the in-shape test, and the partial sort used
// with COUNT.

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
