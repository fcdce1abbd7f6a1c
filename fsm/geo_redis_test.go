package fsm

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestGeoAgainstRedis replays a seeded random sequence of GEO commands
// (and a few sorted-set writes to the same keys) against a real
// redis-server and the FSM. GEO results are fully determined by Redis's
// algorithms (box order, stable and partial sorts, float formatting), so
// every reply is compared byte for byte, and stored results through
// ZRANGE ... WITHSCORES. The one tolerance: distances stored with
// STOREDIST (printed with all 17 digits) may differ in the last bit,
// because quoris's sin/cos/asin are correctly rounded and glibc's are not
// quite (about 0.4% of distances differ by one ulp); WITHDIST's four
// decimals hide that.
func TestGeoAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	seed := envSeed("QUORIS_GEO_SEED", 20240627)
	n := 3000
	if s := os.Getenv("QUORIS_GEO_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	g := &geoGen{strGen: strGen{rng: rand.New(rand.NewPCG(seed, 31)), keys: []string{"g0", "g1", "g2", "str"}}}
	mismatches := 0
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		cmd := g.command()
		name := strings.ToLower(cmd[0])
		want, got := r.do(t, cmd...), h.do(cmd...)
		if os.Getenv("QUORIS_GEO_TRACE") != "" {
			t.Logf("#%d %.200q -> %.300q", i, cmd, want)
		}
		if kinds[name] == nil {
			kinds[name] = map[string]int{}
		}
		kinds[name][want[:1]]++
		if want != got {
			mismatches++
			if mismatches <= 20 {
				t.Errorf("#%d %.300q:\n redis:  %.800q\n quoris: %.800q", i, cmd, want, got)
			}
		}
		if i%5 == 0 || i == n-1 {
			for _, k := range append(g.keys, "dst") {
				for _, probe := range [][]string{{"OBJECT", "ENCODING", k}, {"ZRANGE", k, "0", "-1", "WITHSCORES"}} {
					w, q := r.do(t, probe...), h.do(probe...)
					if w == q || (k == "dst" && geoSameDistances(w, q)) {
						continue
					}
					mismatches++
					if mismatches <= 20 {
						t.Errorf("#%d after %.200q, %q:\n redis:  %.800q\n quoris: %.800q", i, cmd, probe, w, q)
					}
					// Start the key afresh rather than report it again.
					r.do(t, "DEL", k)
					h.do("DEL", k)
				}
			}
		}
	}
	for name, m := range kinds {
		t.Logf("%-22s %v", name, m)
	}
	if mismatches > 20 {
		t.Errorf("%d mismatches in total", mismatches)
	}
}

// geoSameDistances compares two ZRANGE WITHSCORES replies allowing each
// score a relative difference of 1e-15 (a few ulps).
func geoSameDistances(want, got string) bool {
	w, q := hsItems(want), hsItems(got)
	if len(w) != len(q) {
		return false
	}
	for i := range w {
		if i%2 == 0 {
			if w[i] != q[i] {
				return false
			}
			continue
		}
		a, err1 := strconv.ParseFloat(w[i], 64)
		b, err2 := strconv.ParseFloat(q[i], 64)
		if err1 != nil || err2 != nil || math.Abs(a-b) > 1e-15*math.Max(math.Abs(a), math.Abs(b)) {
			return false
		}
	}
	return true
}

// geoGen draws positions around a few centers (an ordinary place, the
// poles' edge, the antimeridian, the equator, a common meridian), so that
// searches cross box edges, the ±180 wrap and the high-latitude steps.
type geoGen struct {
	strGen
}

func (g *geoGen) key() string {
	if g.rng.IntN(20) == 0 {
		return "str"
	}
	return g.pick("g0", "g1", "g2")
}

func (g *geoGen) member() string { return "p" + strconv.Itoa(g.rng.IntN(60)) }

func (g *geoGen) f(lo, hi float64) string {
	return strconv.FormatFloat(lo+g.rng.Float64()*(hi-lo), 'f', 1+g.rng.IntN(8), 64)
}

// lonLat returns a position, occasionally an invalid one.
func (g *geoGen) lonLat() (string, string) {
	switch g.rng.IntN(16) {
	case 0:
		return g.pick("181", "-180.0001", "0", "x", "inf", "1e400", "nan"), g.pick("0", "85.06", "-86", "y", "90")
	case 1, 2:
		return g.f(13, 16), g.f(36, 39)
	case 3:
		return g.f(-180, 180), g.f(80, 85.05112878)
	case 4:
		return g.f(-180, 180), g.f(-85.05112878, -80)
	case 5:
		return g.pick(g.f(179, 180), g.f(-180, -179), "180", "-180"), g.f(-10, 10)
	case 6:
		return g.f(-1, 1), g.f(-1, 1)
	case 7:
		return "2.5", g.f(-85, 85) // one meridian: the distance shortcut
	case 8:
		return g.pick("-180", "180", "0"), g.pick("85.05112878", "-85.05112878", "0", "66.5", "-80.1")
	}
	return g.f(-180, 180), g.f(-85.05112878, 85.05112878)
}

func (g *geoGen) unit() string {
	if g.rng.IntN(25) == 0 {
		return g.pick("miles", "", "M2")
	}
	return g.name(g.pick("m", "km", "ft", "mi"))
}

func (g *geoGen) radius() string {
	switch g.rng.IntN(12) {
	case 0:
		return g.pick("0", "-1", "x", "inf", "1e20", "20000000", "0.001")
	case 1, 2:
		return g.f(1000, 20000)
	}
	return g.f(1, 600)
}

func (g *geoGen) options(search, store bool) []string {
	var args []string
	for n := g.rng.IntN(4); n > 0; n-- {
		switch g.rng.IntN(9) {
		case 0:
			args = append(args, g.name("WITHDIST"))
		case 1:
			args = append(args, g.name("WITHCOORD"))
		case 2:
			args = append(args, g.name("WITHHASH"))
		case 3:
			args = append(args, g.name(g.pick("ASC", "DESC")))
		case 4, 5:
			args = append(args, g.name("COUNT"), g.pick("1", "2", "3", "5", "50", "0", "-1", "x"))
			if g.rng.IntN(3) == 0 {
				args = append(args, g.name("ANY"))
			}
		case 6:
			if store {
				args = append(args, g.name("STOREDIST"))
			} else if !search {
				args = append(args, g.name(g.pick("STORE", "STOREDIST")), "dst")
			} else {
				args = append(args, g.name(g.pick("ANY", "bogus", "STORE")))
			}
		default:
			args = append(args, g.name(g.pick("ASC", "COUNT")))
		}
	}
	return args
}

func (g *geoGen) from() []string {
	if g.rng.IntN(2) == 0 {
		return []string{g.name("FROMMEMBER"), g.member()}
	}
	lon, lat := g.lonLat()
	return []string{g.name("FROMLONLAT"), lon, lat}
}

func (g *geoGen) by() []string {
	if g.rng.IntN(2) == 0 {
		return []string{g.name("BYRADIUS"), g.radius(), g.unit()}
	}
	return []string{g.name("BYBOX"), g.radius(), g.radius(), g.unit()}
}

func (g *geoGen) search(store bool) []string {
	var parts [][]string
	switch g.rng.IntN(12) {
	case 0:
		parts = [][]string{g.from()}
	case 1:
		parts = [][]string{g.by()}
	case 2:
		parts = [][]string{g.from(), g.from(), g.by()}
	case 3:
		parts = [][]string{g.from(), g.by(), g.by()}
	default:
		parts = [][]string{g.from(), g.by()}
	}
	if g.rng.IntN(2) == 0 {
		parts[0], parts[len(parts)-1] = parts[len(parts)-1], parts[0]
	}
	var args []string
	for _, p := range parts {
		args = append(args, p...)
	}
	return append(args, g.options(true, store)...)
}

func (g *geoGen) command() []string {
	k := g.key()
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	switch g.rng.IntN(32) {
	case 0, 1, 2, 3, 4, 5:
		args := []string{k}
		for n := g.rng.IntN(3); n > 0 && g.rng.IntN(3) == 0; n-- {
			args = append(args, g.name(g.pick("NX", "XX", "CH")))
		}
		for n := 1 + g.rng.IntN(4); n > 0; n-- {
			lon, lat := g.lonLat()
			args = append(args, lon, lat, g.member())
		}
		if g.rng.IntN(30) == 0 {
			args = args[:len(args)-1]
		}
		return c("GEOADD", args...)
	case 6:
		// Many at once, to turn the key into a skiplist.
		args := []string{k}
		for n := 100 + g.rng.IntN(60); n > 0; n-- {
			lon, lat := g.lonLat()
			if _, err := strconv.ParseFloat(lon, 64); err != nil {
				lon, lat = "10", "10"
			}
			if v, _ := strconv.ParseFloat(lat, 64); v > 85 || v < -85 {
				lat = "1"
			}
			args = append(args, lon, lat, "q"+strconv.Itoa(g.rng.IntN(400)))
		}
		return c("GEOADD", args...)
	case 7, 8:
		return c("GEOPOS", k, g.member(), g.member(), "nosuch")
	case 9, 10:
		args := []string{k, g.member(), g.member()}
		if g.rng.IntN(2) == 0 {
			args = append(args, g.unit())
		}
		if g.rng.IntN(20) == 0 {
			args = append(args, "extra")
		}
		return c("GEODIST", args...)
	case 11:
		return c("GEOHASH", k, g.member(), g.member(), "nosuch")
	case 12, 13, 14, 15:
		return c("GEOSEARCH", append([]string{k}, g.search(false)...)...)
	case 16, 17:
		return c("GEOSEARCHSTORE", append([]string{"dst", k}, g.search(true)...)...)
	case 18, 19:
		lon, lat := g.lonLat()
		return c(g.pick("GEORADIUS", "GEORADIUS_RO"), append([]string{k, lon, lat, g.radius(), g.unit()}, g.options(false, false)...)...)
	case 20, 21:
		return c(g.pick("GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"), append([]string{k, g.member(), g.radius(), g.unit()}, g.options(false, false)...)...)
	case 22:
		return c("ZADD", k, g.pick("-1", "0", "1e300", "4503599627370496", "9007199254740992", "-inf", "inf", "3.5"), g.member())
	case 23:
		return c("ZREM", k, g.member(), g.member())
	case 24:
		if g.rng.IntN(4) == 0 {
			return c("DEL", k)
		}
		return c("SET", "str", "x")
	case 25:
		return c(g.pick("GEOADD", "GEOSEARCH", "GEORADIUS", "GEODIST", "GEOSEARCHSTORE"), k, g.member())
	case 26:
		// Members sharing a few positions: ties in distance, which COUNT's
		// partial sort orders its own way.
		args := []string{k}
		for n := 10 + g.rng.IntN(60); n > 0; n-- {
			p := g.pick("5", "5.001", "5.002")
			args = append(args, p, p, "t"+strconv.Itoa(g.rng.IntN(80)))
		}
		return c("GEOADD", args...)
	case 27:
		args := []string{k, g.name("FROMLONLAT"), g.pick("5", "5.0015", "4.99"), "5", g.name("BYRADIUS"), g.pick("1", "10", "300"), "km",
			g.name("COUNT"), strconv.Itoa(1 + g.rng.IntN(40)), g.name(g.pick("ASC", "DESC", "WITHDIST", "ASC"))}
		if g.rng.IntN(4) == 0 {
			args = append(args, g.name("WITHHASH"))
		}
		return c("GEOSEARCH", args...)
	default:
		lon, lat := g.lonLat()
		return c("GEOADD", k, lon, lat, g.member())
	}
}
