package datatypes

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// bigSin is a multi-precision sine for the tests' oracle.
func bigSin(x *big.Float) *big.Float {
	const prec = 400
	pi := bigPi(prec)
	twoPi := new(big.Float).SetPrec(prec).Mul(pi, big.NewFloat(2))
	r := new(big.Float).SetPrec(prec).Set(x)
	// Reduce into [-π, π]: enough for a Taylor series at this precision.
	q := new(big.Float).SetPrec(prec).Quo(r, twoPi)
	k, _ := q.Int(nil)
	r.Sub(r, new(big.Float).SetPrec(prec).Mul(new(big.Float).SetInt(k), twoPi))
	term := new(big.Float).SetPrec(prec).Set(r)
	sum := new(big.Float).SetPrec(prec).Set(r)
	r2 := new(big.Float).SetPrec(prec).Mul(r, r)
	for n := 1; n < 200; n++ {
		term.Mul(term, r2)
		term.Quo(term, new(big.Float).SetInt64(int64((2*n)*(2*n+1))))
		term.Neg(term)
		sum.Add(sum, term)
	}
	return sum
}

func bigCos(x *big.Float) *big.Float {
	halfPi := new(big.Float).SetPrec(400).Quo(bigPi(400), big.NewFloat(2))
	return bigSin(new(big.Float).SetPrec(400).Add(x, halfPi))
}

func big64(x float64) *big.Float { return new(big.Float).SetPrec(400).SetFloat64(x) }

// TestTrigCorrectlyRounded checks Sin, Cos and Asin against
// multi-precision results on the argument ranges GEO uses and beyond.
func TestTrigCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 1500
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		var x float64
		switch i % 5 {
		case 0:
			x = (rng.Float64()*2 - 1) * math.Pi
		case 1:
			x = (rng.Float64()*2 - 1) * 1.6
		case 2:
			x = rng.Float64() * 1e-3
		case 3:
			x = (rng.Float64()*2 - 1) * 1e6
		default:
			x = (rng.Float64()*2 - 1) * 1e9 // the multi-precision path
		}
		if want, _ := bigSin(big64(x)).Float64(); Sin(x) != want {
			t.Fatalf("Sin(%v) = %v, want %v", x, Sin(x), want)
		}
		if want, _ := bigCos(big64(x)).Float64(); Cos(x) != want {
			t.Fatalf("Cos(%v) = %v, want %v", x, Cos(x), want)
		}
		a := rng.Float64()
		if i%3 == 0 {
			a = 1 - a*1e-6
		}
		// y is correctly rounded iff sin(y - ulp/2) < a < sin(y + ulp/2).
		y := Asin(a)
		half := (math.Nextafter(y, 2) - y) / 2
		lo := new(big.Float).SetPrec(400).Sub(big64(y), big64(half))
		hi := new(big.Float).SetPrec(400).Add(big64(y), big64(half))
		if bigSin(lo).Cmp(big64(a)) > 0 || bigSin(hi).Cmp(big64(a)) < 0 {
			t.Fatalf("Asin(%v) = %v is not correctly rounded", a, y)
		}
	}
	for _, tc := range []struct{ got, want float64 }{
		{Sin(0), 0}, {Cos(0), 1}, {Asin(1), math.Pi / 2}, {Asin(-1), -math.Pi / 2}, {Asin(0.5), 0.5235987755982989},
	} {
		if tc.got != tc.want {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
	if !math.Signbit(Sin(math.Copysign(0, -1))) || !math.IsNaN(Sin(math.Inf(1))) || !math.IsNaN(Cos(math.Inf(-1))) ||
		!math.IsNaN(Asin(1.0000000000000002)) || !math.IsNaN(Asin(math.NaN())) {
		t.Error("special values")
	}
}

// TestGeoKnownValues: scores, positions, hashes and distances as
// redis-server 7.0.15 reports them.
func TestGeoKnownValues(t *testing.T) {
	for _, tc := range []struct {
		lon, lat   float64
		score      uint64
		plon, plat string
		hash       string
	}{
		{13.361389, 38.115556, 3479099956230698, "13.36138933897018433", "38.11555639549629859", "sqc8b49rny0"},
		{15.087269, 37.502669, 3479447370796909, "15.08726745843887329", "37.50266842333162032", "sqdtr74hyu0"},
		{-180, -85.05112878, 0, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"},
		{180, 85.05112878, 13510798882111488, "180", "85.0511287799999991", "bp05b5048p0"},
		{179.999, 0.0001, 4128299658388535, "179.99899953603744507", "0.00010012148579364", ""},
	} {
		if got := GeoScore(tc.lon, tc.lat); got != tc.score {
			t.Errorf("GeoScore(%v, %v) = %d, want %d", tc.lon, tc.lat, got, tc.score)
		}
		lon, lat := GeoDecode(float64(tc.score))
		if got := string(AppendGeoCoord(nil, lon)); got != tc.plon {
			t.Errorf("longitude of %d: %s, want %s", tc.score, got, tc.plon)
		}
		if got := string(AppendGeoCoord(nil, lat)); got != tc.plat {
			t.Errorf("latitude of %d: %s, want %s", tc.score, got, tc.plat)
		}
		if got := GeoHashString(float64(tc.score)); tc.hash != "" && got != tc.hash {
			t.Errorf("GeoHashString(%d) = %s, want %s", tc.score, got, tc.hash)
		}
	}
	lon1, lat1 := GeoDecode(3479099956230698)
	lon2, lat2 := GeoDecode(3479447370796909)
	if got := string(AppendGeoDistance(nil, GeoDistance(lon1, lat1, lon2, lat2))); got != "166274.1516" {
		t.Errorf("Palermo-Catania: %s", got)
	}
	// Decoding applies C's (uint64_t) cast to any score, as GCC does on x86-64.
	for _, tc := range []struct {
		f    float64
		want uint64
	}{
		{3.5, 3}, {-1, math.MaxUint64}, {-0.5, 0}, {0x1p63, 1 << 63}, {1e300, 0}, {math.Inf(1), 0},
		{math.Inf(-1), 1 << 63}, {-1e300, 1 << 63}, {0x1p64 - 2048, math.MaxUint64 - 2047},
	} {
		if got := cUint64(tc.f); got != tc.want {
			t.Errorf("cUint64(%v) = %#x, want %#x", tc.f, got, tc.want)
		}
	}
	if got := string(AppendGeoCoord(nil, -1e-20)); got != "0" {
		t.Errorf("-1e-20 printed %q", got)
	}
}

// TestGeoSearchBoxes: the nine boxes cover every point within the radius
// (the property Redis's box choice is meant to guarantee away from the
// poles) and a zero box is skipped.
func TestGeoSearchBoxes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		s := GeoShape{Longitude: rng.Float64()*300 - 150, Latitude: rng.Float64()*120 - 60,
			Radius: rng.Float64() * 500, Conversion: 1000}
		boxes := s.GeoSearchBoxes()
		// A point at a random bearing just inside the radius.
		d := s.Radius * s.Conversion * 0.99 / EarthRadius
		brg := rng.Float64() * 2 * math.Pi
		lat1, lon1 := s.Latitude*math.Pi/180, s.Longitude*math.Pi/180
		lat2 := math.Asin(math.Sin(lat1)*math.Cos(d) + math.Cos(lat1)*math.Sin(d)*math.Cos(brg))
		lon2 := lon1 + math.Atan2(math.Sin(brg)*math.Sin(d)*math.Cos(lat1), math.Cos(d)-math.Sin(lat1)*math.Sin(lat2))
		plon, plat := lon2*180/math.Pi, lat2*180/math.Pi
		if plon > 180 || plon < -180 || !GeoValidLongLat(plon, plat) {
			continue
		}
		score := float64(GeoScore(plon, plat))
		found := false
		for _, b := range boxes {
			if b.IsZero() {
				continue
			}
			lo, hi := GeoBoxScores(b)
			found = found || (score >= lo && score < hi)
		}
		if _, _, _, in := s.Within(score); in && !found {
			t.Fatalf("%+v: point %v,%v within the radius but in no box", s, plon, plat)
		}
	}
}

// TestPartialSort: pqsort leaves the smallest k elements, in order, at the
// front; with distinct keys that is exactly the sorted prefix.
func TestPartialSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 500; iter++ {
		n := 1 + rng.IntN(200)
		k := 1 + rng.IntN(n)
		a := make([]int, n)
		for i := range a {
			a[i] = rng.IntN(n/2 + 1) // ties on purpose
		}
		want := slices.Clone(a)
		slices.Sort(want)
		cmp := func(i, j int) int { return a[i] - a[j] }
		PartialSort(n, cmp, func(i, j int) { a[i], a[j] = a[j], a[i] }, 0, k-1)
		if !slices.Equal(a[:k], want[:k]) {
			t.Fatalf("n=%d k=%d: prefix %v, want %v", n, k, a[:k], want[:k])
		}
		got := slices.Clone(a)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatal("not a permutation")
		}
	}
}
