// Command benchtable reads the output of `go test -bench -benchmem` (any
// -count) on stdin and prints markdown tables of the SDK's performance
// targets, using the median of each metric across runs:
//
//   - every benchmark with sdk, map and struct sub-benchmarks: the SDK
//     against hand-written net/http + encoding/json into []map[string]any
//     and into a plain struct, with the ratios sdk/map and sdk/struct
//     (targets: time at most 1.10x and allocations at most 1.00x the map
//     baseline);
//   - BenchmarkDecodeCustomers against BenchmarkDecodeCustomersPlainStrings
//     (target: at most 1.5x the time);
//   - the bulk benchmarks' custom metrics (targets: achieved/limit at least
//     0.95, sdk/raw at least 0.90).
//
// Usage: go test -run '^$' -bench . -benchmem -count 5 ./ | go run ./internal/benchtable
// (scripts/bench does exactly that).
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

func main() {
	set, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(set.order) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark results on stdin")
		os.Exit(1)
	}
	if err := render(os.Stdout, set); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// Targets of the performance issue.
const (
	maxTimeVsMap       = 1.10
	maxAllocsVsMap     = 1.00
	maxDecodeVsPlain   = 1.5
	minAchievedOfLimit = 0.95
	minSDKOfRaw        = 0.90
)

// results holds every sample of every metric, by benchmark name (without
// the -GOMAXPROCS suffix) and unit, with names in first-seen order.
type results struct {
	order   []string
	samples map[string]map[string][]float64
	procs   string
}

// benchLine matches "BenchmarkName-8   1000   123 ns/op   45 B/op ...".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-(\d+))?\s+(\d+)\s+(.+)$`)

func parse(r io.Reader) (*results, error) {
	set := &results{samples: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		name, procs, fields := m[1], m[2], strings.Fields(m[4])
		if len(fields)%2 != 0 {
			continue // not a result line (e.g. a log line that starts like one)
		}
		metrics := map[string]float64{}
		for i := 0; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				metrics = nil
				break
			}
			metrics[fields[i+1]] = v
		}
		if metrics == nil {
			continue
		}
		if procs != "" {
			set.procs = procs
		}
		if set.samples[name] == nil {
			set.samples[name] = map[string][]float64{}
			set.order = append(set.order, name)
		}
		for unit, v := range metrics {
			set.samples[name][unit] = append(set.samples[name][unit], v)
		}
	}
	return set, sc.Err()
}

// median returns the median of xs (the mean of the middle two for an even
// count) and whether there was any sample.
func median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

// get returns the median of a benchmark's metric.
func (set *results) get(name, unit string) (float64, bool) {
	return median(set.samples[name][unit])
}

func (set *results) count(name string) int {
	n := 0
	for _, xs := range set.samples[name] {
		n = max(n, len(xs))
	}
	return n
}

// fmtNum prints a metric compactly: integers with thousands separators,
// small values with 3 significant digits.
func fmtNum(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	if v >= 100 || v == float64(int64(v)) {
		return group(strconv.FormatInt(int64(v+0.5), 10))
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func group(digits string) string {
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// ratio formats a/b as "1.03x", and checks it against a bound.
func ratio(a, b float64, okA, okB bool) (float64, string, bool) {
	if !okA || !okB || b == 0 {
		return 0, "–", false
	}
	r := a / b
	return r, strconv.FormatFloat(r, 'f', 2, 64) + "x", true
}

// verdict is "ok" when the check passed, "MISSED" otherwise.
func verdict(pass bool) string {
	if pass {
		return "ok"
	}
	return "**MISSED**"
}

func render(w io.Writer, set *results) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	runs := 0
	for _, name := range set.order {
		runs = max(runs, set.count(name))
	}
	p("Medians of %d run(s)", runs)
	if set.procs != "" {
		p(", GOMAXPROCS %s", set.procs)
	}
	p(".\n")

	// SDK against hand-written net/http.
	var groups []string
	for _, name := range set.order {
		if base, ok := strings.CutSuffix(name, "/sdk"); ok && set.samples[base+"/map"] != nil {
			groups = append(groups, base)
		}
	}
	if len(groups) > 0 {
		p("\n### SDK vs hand-written net/http + encoding/json\n\n")
		p("| benchmark | sdk ns/op | sdk B/op | sdk allocs/op | map ns/op | map B/op | map allocs/op | struct ns/op | struct B/op | struct allocs/op | sdk/map time | sdk/map allocs | sdk/struct time | sdk/struct allocs | target (≤%.2fx time, ≤%.2fx allocs vs map) |\n", maxTimeVsMap, maxAllocsVsMap)
		p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
		for _, g := range groups {
			cell := func(variant, unit string) (float64, bool, string) {
				v, ok := set.get(g+"/"+variant, unit)
				return v, ok, fmtNum(v, ok)
			}
			sT, sTok, sTs := cell("sdk", "ns/op")
			_, _, sBs := cell("sdk", "B/op")
			sA, sAok, sAs := cell("sdk", "allocs/op")
			mT, mTok, mTs := cell("map", "ns/op")
			_, _, mBs := cell("map", "B/op")
			mA, mAok, mAs := cell("map", "allocs/op")
			tT, tTok, tTs := cell("struct", "ns/op")
			_, _, tBs := cell("struct", "B/op")
			tA, tAok, tAs := cell("struct", "allocs/op")
			rt, rts, okT := ratio(sT, mT, sTok, mTok)
			ra, ras, okA := ratio(sA, mA, sAok, mAok)
			_, rst, _ := ratio(sT, tT, sTok, tTok)
			_, rsa, _ := ratio(sA, tA, sAok, tAok)
			pass := okT && okA && rt <= maxTimeVsMap && ra <= maxAllocsVsMap
			p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				strings.TrimPrefix(g, "Benchmark"), sTs, sBs, sAs, mTs, mBs, mAs, tTs, tBs, tAs, rts, ras, rst, rsa, verdict(pass))
		}
	}

	// Lenient decoding against plain strings.
	const dec, plain = "BenchmarkDecodeCustomers", "BenchmarkDecodeCustomersPlainStrings"
	if set.samples[dec] != nil && set.samples[plain] != nil {
		p("\n### Decoding a 100-contact page: lenient types vs plain strings\n\n")
		p("| benchmark | ns/op | B/op | allocs/op |\n|---|--:|--:|--:|\n")
		for _, name := range []string{dec, plain} {
			t, tok := set.get(name, "ns/op")
			bb, bok := set.get(name, "B/op")
			a, aok := set.get(name, "allocs/op")
			p("| %s | %s | %s | %s |\n", strings.TrimPrefix(name, "Benchmark"), fmtNum(t, tok), fmtNum(bb, bok), fmtNum(a, aok))
		}
		dt, dok := set.get(dec, "ns/op")
		pt, pok := set.get(plain, "ns/op")
		da, daok := set.get(dec, "allocs/op")
		pa, paok := set.get(plain, "allocs/op")
		r, rs, ok := ratio(dt, pt, dok, pok)
		_, ras, _ := ratio(da, pa, daok, paok)
		p("\nlenient / plain: time %s, allocs %s (target ≤%.1fx time): %s\n", rs, ras, maxDecodeVsPlain, verdict(ok && r <= maxDecodeVsPlain))
	}

	// Bulk writes.
	var limited []string
	for _, name := range set.order {
		if set.samples[name]["achieved/limit"] != nil {
			limited = append(limited, name)
		}
	}
	if len(limited) > 0 {
		p("\n### UpsertMany against a server-side rate limit\n\n")
		p("| benchmark | req/s | achieved/limit | lost/op | failed/op | 429s/op | target (≥%.2f, nothing lost) |\n|---|--:|--:|--:|--:|--:|---|\n", minAchievedOfLimit)
		for _, name := range limited {
			v := func(unit string) (float64, bool) { return set.get(name, unit) }
			rps, rok := v("req/s")
			ach, aok := v("achieved/limit")
			lost, lok := v("lost/op")
			failed, fok := v("failed/op")
			thr, tok := v("429s/op")
			pass := aok && ach >= minAchievedOfLimit && lok && lost == 0 && (!fok || failed == 0)
			p("| %s | %s | %s | %s | %s | %s | %s |\n", strings.TrimPrefix(name, "Benchmark"), fmtNum(rps, rok),
				strconv.FormatFloat(ach, 'f', 3, 64), fmtNum(lost, lok), fmtNum(failed, fok), fmtNum(thr, tok), verdict(pass))
		}
	}
	var unlimited []string
	for _, name := range set.order {
		if set.samples[name]["sdk/raw"] != nil {
			unlimited = append(unlimited, name)
		}
	}
	if len(unlimited) > 0 {
		p("\n### UpsertMany without a rate limit vs a parallel net/http loop (same concurrency)\n\n")
		p("| benchmark | sdk req/s | raw req/s | sdk/raw | target (≥%.2f) |\n|---|--:|--:|--:|---|\n", minSDKOfRaw)
		for _, name := range unlimited {
			sdk, sok := set.get(name, "sdk-req/s")
			raw, rok := set.get(name, "raw-req/s")
			r, rok2 := set.get(name, "sdk/raw")
			p("| %s | %s | %s | %s | %s |\n", strings.TrimPrefix(name, "Benchmark"), fmtNum(sdk, sok), fmtNum(raw, rok),
				strconv.FormatFloat(r, 'f', 3, 64), verdict(rok2 && r >= minSDKOfRaw))
		}
	}

	// Anything else, so that no result is silently dropped.
	var rest []string
	seen := map[string]bool{dec: true, plain: true}
	for _, g := range groups {
		seen[g+"/sdk"], seen[g+"/map"], seen[g+"/struct"] = true, true, true
	}
	for _, n := range append(limited, unlimited...) {
		seen[n] = true
	}
	for _, name := range set.order {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	if len(rest) > 0 {
		p("\n### Other benchmarks\n\n| benchmark | ns/op | B/op | allocs/op |\n|---|--:|--:|--:|\n")
		for _, name := range rest {
			t, tok := set.get(name, "ns/op")
			bb, bok := set.get(name, "B/op")
			a, aok := set.get(name, "allocs/op")
			p("| %s | %s | %s | %s |\n", strings.TrimPrefix(name, "Benchmark"), fmtNum(t, tok), fmtNum(bb, bok), fmtNum(a, aok))
		}
	}
	return bw.Flush()
}
