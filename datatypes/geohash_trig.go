package datatypes

import (
	"math"
	"math/big"
)

// GEO distances go through sin, cos and asin, and Redis prints them (and
// stores them, with STOREDIST) from glibc's results. glibc's functions
// are correctly rounded in all but about one case in a thousand; Go's
// math package differs from them in the last bit for 10-30% of inputs,
// and on arm64 its pure-Go code may even fuse multiply-adds, so two nodes
// of one cluster could store different distances. These versions compute
// in double-double arithmetic (about 106 bits) and round once: the
// correctly rounded result, identical on every platform.
//
// Products whose rounding matters are wrapped in float64(...): Go may
// otherwise fuse a multiply and an add into one FMA on some platforms,
// which would change results between nodes.

// dd is an unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) (float64, float64) {
	s := a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) (float64, float64) {
	p := a * b
	return p, math.FMA(a, b, -p)
}

func ddAdd(a, b dd) dd {
	s, e := twoSum(a.hi, b.hi)
	t, f := twoSum(a.lo, b.lo)
	r := quickTwoSum(s, e+t)
	return quickTwoSum(r.hi, r.lo+f)
}

func ddNeg(a dd) dd { return dd{-a.hi, -a.lo} }

func ddMul(a, b dd) dd {
	p, e := twoProd(a.hi, b.hi)
	return quickTwoSum(p, e+(float64(a.hi*b.lo)+float64(a.lo*b.hi)))
}

func ddMulF(a dd, b float64) dd {
	p, e := twoProd(a.hi, b)
	return quickTwoSum(p, e+float64(a.lo*b))
}

func ddDivF(a dd, b float64) dd {
	q1 := a.hi / b
	p, e := twoProd(q1, b)
	r := ddAdd(a, dd{-p, -e})
	return quickTwoSum(q1, r.hi/b)
}

// π/2 split into four doubles (about 210 bits), for argument reduction.
const (
	pio2a = 0x1.921fb54442d18p+0
	pio2b = 0x1.1a62633145c07p-54
	pio2c = -0x1.f1976b7ed8fbcp-110
	pio2d = 0x1.4cf98e804177dp-164
	// twoOverPi is 2/π rounded, to guess the quadrant.
	twoOverPi = 0x1.45f306dc9c883p-1
	// ddReduceMax bounds the arguments reduced in double-double. The
	// reduction's absolute error grows like 2^-106·|x|; up to 2^28 it stays
	// near 2^-78, far below what could change a rounding in practice.
	ddReduceMax = 1 << 28
)

// sinTaylor and cosTaylor evaluate their series for |r| ≤ π/4.
func sinTaylor(r dd) dd {
	r2 := ddMul(r, r)
	term, sum := r, r
	for k := 1; k < 40; k++ {
		term = ddNeg(ddDivF(ddMul(term, r2), float64(2*k*(2*k+1))))
		sum = ddAdd(sum, term)
		if math.Abs(term.hi) <= 0x1p-112*math.Abs(sum.hi) {
			break
		}
	}
	return sum
}

func cosTaylor(r dd) dd {
	r2 := ddMul(r, r)
	term, sum := dd{1, 0}, dd{1, 0}
	for k := 1; k < 40; k++ {
		term = ddNeg(ddDivF(ddMul(term, r2), float64((2*k-1)*(2*k))))
		sum = ddAdd(sum, term)
		if math.Abs(term.hi) <= 0x1p-112 {
			break
		}
	}
	return sum
}

// sinCosDD returns sin(x) (or cos(x)) in double-double for a finite x
// below ddReduceMax in magnitude.
func sinCosDD(x float64, cos bool) dd {
	q := 0
	r := dd{x, 0}
	if math.Abs(x) > math.Pi/4 {
		k := math.RoundToEven(float64(x * twoOverPi))
		for _, p := range [...]float64{pio2a, pio2b, pio2c, pio2d} {
			hi, lo := twoProd(k, p)
			r = ddAdd(r, dd{-hi, -lo})
		}
		q = int(int64(k) & 3)
	}
	if cos {
		q = (q + 1) & 3
	}
	var v dd
	if q&1 == 0 {
		v = sinTaylor(r)
	} else {
		v = cosTaylor(r)
	}
	if q >= 2 {
		v = ddNeg(v)
	}
	return v
}

// Sin is the correctly rounded sine.
func Sin(x float64) float64 {
	switch {
	case x == 0 || math.IsNaN(x):
		return x
	case math.IsInf(x, 0):
		return math.NaN()
	case math.Abs(x) >= ddReduceMax:
		return bigSinCos(x, false)
	}
	return sinCosDD(x, false).hi
}

// Cos is the correctly rounded cosine.
func Cos(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return math.NaN()
	case math.Abs(x) >= ddReduceMax:
		return bigSinCos(x, true)
	}
	return sinCosDD(x, true).hi
}

// asinSmall refines math.Asin for |s| ≤ 0.5 with one Newton step
// carried out in double-double: y + (s - sin y)/cos y.
func asinSmall(s dd) dd {
	y0 := math.Asin(s.hi)
	diff := ddAdd(s, ddNeg(sinTaylor(dd{y0, 0})))
	corr := (diff.hi + diff.lo) / math.Cos(y0)
	hi, lo := twoSum(y0, corr)
	return dd{hi, lo}
}

// Asin is the correctly rounded arcsine.
func Asin(a float64) float64 {
	switch {
	case math.IsNaN(a) || a > 1 || a < -1:
		return math.NaN()
	case a == 0:
		return a
	case a < 0:
		return -Asin(-a)
	case a <= 0.5:
		return asinSmall(dd{a, 0}).hi
	}
	// asin(a) = π/2 - 2 asin(sqrt((1-a)/2)); 1-a and the halving are exact.
	t := (1 - a) * 0.5
	s0 := math.Sqrt(t)
	s := dd{s0, 0}
	if s0 > 0 {
		s = quickTwoSum(s0, math.FMA(-s0, s0, t)/(2*s0))
	}
	z := asinSmall(s)
	return ddAdd(dd{pio2a, pio2b}, ddMulF(z, -2)).hi
}

// bigSinCos handles huge arguments (absurd GEO radii produce them) with
// a multi-precision reduction; slow, and never on a normal query's path.
func bigSinCos(x float64, cos bool) float64 {
	const prec = 1300 // enough for any double's exponent plus the result
	pi := bigPi(prec)
	halfPi := new(big.Float).SetPrec(prec).Quo(pi, big.NewFloat(2))
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	kf := new(big.Float).SetPrec(prec).Quo(bx, halfPi)
	kf.Add(kf, big.NewFloat(0.5))
	k, _ := kf.Int(nil)
	if kf.Sign() < 0 && !kf.IsInt() {
		k.Sub(k, big.NewInt(1)) // floor, not truncation
	}
	r := new(big.Float).SetPrec(prec).SetInt(k)
	r.Mul(r, halfPi)
	r.Sub(bx, r)
	q := int(new(big.Int).And(k, big.NewInt(3)).Int64())
	if cos {
		q = (q + 1) & 3
	}
	const sprec = 200
	r.SetPrec(sprec)
	r2 := new(big.Float).SetPrec(sprec).Mul(r, r)
	var term, sum *big.Float
	n := 1
	if q&1 == 0 {
		term, sum = new(big.Float).SetPrec(sprec).Set(r), new(big.Float).SetPrec(sprec).Set(r)
	} else {
		term, sum = new(big.Float).SetPrec(sprec).SetInt64(1), new(big.Float).SetPrec(sprec).SetInt64(1)
		n = 0
	}
	for i := 0; i < 80; i++ {
		term.Mul(term, r2)
		term.Quo(term, new(big.Float).SetInt64(int64((n+1)*(n+2))))
		term.Neg(term)
		sum.Add(sum, term)
		n += 2
	}
	if q >= 2 {
		sum.Neg(sum)
	}
	f, _ := sum.Float64()
	return f
}

// piDigits is π to 420 significant digits (about 1390 bits).
const piDigits = "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651328230664709384460955058223172535940812848111745028410270193852110555964462294895493038196442881097566593344612847564823378678316527120190914564856692346034861045432664821339360726024914127372458700660631558817488152092096282925409171536436789259036001133053054882046652138414695194151160943305727036575959195"

// bigPi returns π at precision prec (at most what piDigits holds).
func bigPi(prec uint) *big.Float {
	pi, _, _ := big.ParseFloat(piDigits, 10, prec, big.ToNearestEven)
	return pi
}
