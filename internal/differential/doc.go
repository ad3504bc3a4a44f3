// Package differential measures the fake Jetpack CRM (package jetpackcrmtest)
// against real ones. It has no API: its tests are the suite.
//
// TestDifferential runs one list of scenarios through the SDK's public API,
// each against a fresh fake of the site's plugin version and against every
// real site the environment names (see internal/realsite), normalises both
// results (IDs, timestamps, the scenario's unique stamp) and compares them.
// A result holds what the SDK call returned (a value or an error class) and
// what the site stored, read back through the SDK. A difference must be
// listed, with its reason, in the known-differences table (knownDifferences),
// and a listed difference that no longer shows fails the suite too.
//
// The real sites are shared: every scenario writes records carrying its own
// stamp (in emails, names, order ids, titles) and finds them by it; lists of
// the whole site are only checked with relative assertions.
//
// TestRealSite* (reliability.go's tests) are the real-site reliability
// scenarios: bulk upserts, concurrency, iterators over thousands of contacts,
// and 429/503 handling through a fault-injecting proxy in front of the site.
//
// Run it with the site variables set (scripts/sites writes them):
//
//	set -a; . ./.jcrm-sites.env; set +a
//	go test -run Differential -v ./internal/differential
//
// Without them every test skips with one line.
package differential
