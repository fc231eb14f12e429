package fmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigExp returns e^x to 200 bits: e^x = (e^(x/2^s))^(2^s) with a Taylor
// series for the small argument.
func bigExp(x float64) *big.Float {
	const prec = 200
	const s = 12
	a := new(big.Float).SetPrec(prec).SetFloat64(x)
	a.Quo(a, new(big.Float).SetPrec(prec).SetInt64(1<<s))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for i := int64(1); i < 40; i++ {
		term.Mul(term, a)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(i))
		sum.Add(sum, term)
	}
	for i := 0; i < s; i++ {
		sum.Mul(sum, sum)
	}
	return sum
}

// ulpErr returns |got − e^x| in units of the last place of e^x.
func ulpErr(got, x float64) float64 {
	want := bigExp(x)
	w, _ := want.Float64()
	ulp := math.Nextafter(w, math.Inf(1)) - w
	d := new(big.Float).SetPrec(200).Sub(new(big.Float).SetPrec(200).SetFloat64(got), want)
	df, _ := d.Float64()
	return math.Abs(df) / ulp
}

// TestExpAccuracy compares Exp with e^x to 200 bits over the range the
// densities use and beyond: within 0.51 ulp (the method's bound, about
// 0.502, plus margin). math.Exp is measured beside it for the record.
func TestExpAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 20000
	if testing.Short() {
		n = 3000
	}
	var worst, worstStd float64
	var worstX float64
	for i := 0; i < n; i++ {
		var x float64
		switch i % 3 {
		case 0:
			x = -60 * rng.Float64() // densities: log density from ~+10 down to ~−60
		case 1:
			x = 20 * (rng.Float64() - 0.5)
		default:
			x = 1400 * (rng.Float64() - 0.5)
		}
		e := ulpErr(Exp(x), x)
		if e > worst {
			worst, worstX = e, x
		}
		worstStd = max(worstStd, ulpErr(math.Exp(x), x))
	}
	t.Logf("largest error: Exp %.3f ulp (at %v), math.Exp %.3f ulp", worst, worstX, worstStd)
	if worst > 0.51 {
		t.Fatalf("Exp(%v) is %.3f ulp from e^x", worstX, worst)
	}
}

// TestExpSpecial checks the cases handed to math.Exp and the exact ones.
func TestExpSpecial(t *testing.T) {
	for _, x := range []float64{0, -0.0, 1, -1, 700, -700, 700.0001, -700.0001, -708.5, -745.2, -746, 709.8, 710, math.Inf(1), math.Inf(-1)} {
		got, want := Exp(x), math.Exp(x)
		if x >= -700 && x <= 700 {
			if e := ulpErr(got, x); e > 0.51 {
				t.Errorf("Exp(%v) = %v: %.3f ulp off", x, got, e)
			}
			continue
		}
		if got != want {
			t.Errorf("Exp(%v) = %v, want math.Exp's %v", x, got, want)
		}
	}
	if Exp(0) != 1 {
		t.Errorf("Exp(0) = %v", Exp(0))
	}
	if !math.IsNaN(Exp(math.NaN())) {
		t.Error("Exp(NaN) is not NaN")
	}
}

var sink float64

func BenchmarkExp(b *testing.B) {
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = -30 + 0.03*float64(i)
	}
	for i := 0; i < b.N; i++ {
		for _, x := range xs {
			sink += Exp(x)
		}
	}
}

func BenchmarkMathExp(b *testing.B) {
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = -30 + 0.03*float64(i)
	}
	for i := 0; i < b.N; i++ {
		for _, x := range xs {
			sink += math.Exp(x)
		}
	}
}
