package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/jpcrm-go/jetpackcrm
cpu: AMD EPYC
BenchmarkDecodeCustomers-2               	    1899	    700000 ns/op	 111.93 MB/s	  116683 B/op	    1256 allocs/op
BenchmarkDecodeCustomers-2               	    1899	    720000 ns/op	 111.93 MB/s	  116683 B/op	    1256 allocs/op
BenchmarkDecodeCustomers-2               	    1899	    990000 ns/op	 111.93 MB/s	  116683 B/op	    1256 allocs/op
BenchmarkDecodeCustomersPlainStrings-2   	    1177	    800000 ns/op	  93.32 MB/s	  127317 B/op	    2427 allocs/op
BenchmarkDecodeCustomersPlainStrings-2   	    1177	    900000 ns/op	  93.32 MB/s	  127317 B/op	    2427 allocs/op
BenchmarkStatus/sdk-2                    	   38006	     33000 ns/op	    9166 B/op	     104 allocs/op
BenchmarkStatus/sdk-2                    	   38006	     35000 ns/op	    9166 B/op	     104 allocs/op
BenchmarkStatus/map-2                    	   33045	     30000 ns/op	    9542 B/op	     111 allocs/op
BenchmarkStatus/map-2                    	   33045	     32000 ns/op	    9542 B/op	     111 allocs/op
BenchmarkStatus/struct-2                 	   41151	     29000 ns/op	    8869 B/op	      97 allocs/op
BenchmarkStatus/struct-2                 	   41151	     29000 ns/op	    8869 B/op	      97 allocs/op
BenchmarkCreate/sdk-2                    	   26991	     50000 ns/op	   16045 B/op	     250 allocs/op
BenchmarkCreate/map-2                    	   31263	     40000 ns/op	   13991 B/op	     219 allocs/op
BenchmarkCreate/struct-2                 	   27559	     42913 ns/op	   11637 B/op	     162 allocs/op
--- BENCH: BenchmarkStatus/sdk-2
    bench_test.go:10: a log line
BenchmarkUpsertManyRateLimited/burst=200-2         	       1	2042358143 ns/op	        12.00 429s/op	         0.9793 achieved/limit	         0 failed/op	         0 lost/op	       195.9 req/s	18557504 B/op	  279332 allocs/op
BenchmarkUpsertManyRateLimited/burst=10-2          	       1	4005779392 ns/op	        20.00 429s/op	         0.04993 achieved/limit	         0 failed/op	         0 lost/op	         9.986 req/s	 1980424 B/op	   26553 allocs/op
BenchmarkUpsertManyUnlimited-2                     	      15	  71808900 ns/op	     31466 raw-req/s	     25047 sdk-req/s	         0.7960 sdk/raw	51879659 B/op	  833073 allocs/op
BenchmarkUpsertManyUnlimited-2                     	      15	  71808900 ns/op	     30000 raw-req/s	     28000 sdk-req/s	         0.9333 sdk/raw	51879659 B/op	  833073 allocs/op
BenchmarkUpsertManyUnlimited-2                     	      15	  71808900 ns/op	     30000 raw-req/s	     28500 sdk-req/s	         0.9500 sdk/raw	51879659 B/op	  833073 allocs/op
BenchmarkSomethingElse/with-dash-2 	 100	 1234 ns/op
PASS
ok  	github.com/jpcrm-go/jetpackcrm	16.705s
`

func TestParse(t *testing.T) {
	set, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if set.procs != "2" {
		t.Errorf("procs = %q", set.procs)
	}
	want := []string{
		"BenchmarkDecodeCustomers", "BenchmarkDecodeCustomersPlainStrings",
		"BenchmarkStatus/sdk", "BenchmarkStatus/map", "BenchmarkStatus/struct",
		"BenchmarkCreate/sdk", "BenchmarkCreate/map", "BenchmarkCreate/struct",
		"BenchmarkUpsertManyRateLimited/burst=200", "BenchmarkUpsertManyRateLimited/burst=10",
		"BenchmarkUpsertManyUnlimited", "BenchmarkSomethingElse/with-dash",
	}
	if strings.Join(set.order, " ") != strings.Join(want, " ") {
		t.Errorf("names:\n got %v\nwant %v", set.order, want)
	}
	if got := set.samples["BenchmarkDecodeCustomers"]["ns/op"]; len(got) != 3 {
		t.Errorf("samples %v", got)
	}
	if v, _ := set.get("BenchmarkUpsertManyRateLimited/burst=10", "achieved/limit"); v != 0.04993 {
		t.Errorf("custom metric = %v", v)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{10, 10, 1000, 10, 9}, 10},
	} {
		if got, ok := median(tc.in); !ok || got != tc.want {
			t.Errorf("median(%v) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
	if _, ok := median(nil); ok {
		t.Error("median of nothing")
	}
}

func TestRender(t *testing.T) {
	set, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := render(&out, set); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Medians of 3 run(s), GOMAXPROCS 2.",
		// Status: sdk 34000 (median of 33000, 35000), map 31000: 1.10x; allocs 104/111.
		"| Status | 34,000 | 9,166 | 104 | 31,000 | 9,542 | 111 | 29,000 | 8,869 | 97 | 1.10x | 0.94x | 1.17x | 1.07x | ok |",
		// Create: 1.25x time and 1.14x allocs.
		"| Create | 50,000 | 16,045 | 250 | 40,000 | 13,991 | 219 | 42,913 | 11,637 | 162 | 1.25x | 1.14x | 1.17x | 1.54x | **MISSED** |",
		// Decode: medians 720000 vs 850000.
		"| DecodeCustomers | 720,000 | 116,683 | 1,256 |",
		"| DecodeCustomersPlainStrings | 850,000 | 127,317 | 2,427 |",
		"lenient / plain: time 0.85x, allocs 0.52x (target ≤1.5x time): ok",
		"| UpsertManyRateLimited/burst=200 | 196 | 0.979 | 0 | 0 | 12 | ok |",
		"| UpsertManyRateLimited/burst=10 | 9.99 | 0.050 | 0 | 0 | 20 | **MISSED** |",
		"| UpsertManyUnlimited | 28,000 | 30,000 | 0.933 | ok |",
		"| SomethingElse/with-dash | 1,234 | – | – |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
	if strings.Contains(got, "a log line") {
		t.Error("log lines are not results")
	}
}

func TestFmtNum(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {12, "12"}, {1234567, "1,234,567"}, {0.9793, "0.979"}, {9.986, "9.99"}, {195.9, "196"},
	} {
		if got := fmtNum(tc.v, true); got != tc.want {
			t.Errorf("fmtNum(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
	if got := fmtNum(1, false); got != "–" {
		t.Errorf("missing value = %q", got)
	}
}
