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
