package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	testKey    = "jpcrm_pk_testkey0123456789"
	testSecret = "jpcrm_sk_topsecret9876543210"
)

// siteTime is the fake site's clock in every test, so that outputs are
// reproducible.
var siteTime = time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)

// newFake starts a fake CRM with fixed clock and credentials.
func newFake(t *testing.T, opts ...jetpackcrmtest.Option) *jetpackcrmtest.Server {
	t.Helper()
	base := []jetpackcrmtest.Option{
		jetpackcrmtest.WithClock(func() time.Time { return siteTime }),
		jetpackcrmtest.WithCredentials(testKey, testSecret),
	}
	srv := jetpackcrmtest.NewServer(append(base, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// demoFake is a fake with 12 generated contacts and the demo records.
func demoFake(t *testing.T, opts ...jetpackcrmtest.Option) *jetpackcrmtest.Server {
	t.Helper()
	srv := newFake(t, opts...)
	srv.SeedContacts(12)
	require.NoError(t, seedDemo(srv))
	return srv
}

// envOf is the environment pointing at srv.
func envOf(srv *jetpackcrmtest.Server) map[string]string {
	return map[string]string{envURL: srv.URL, envKey: srv.APIKey, envSecret: srv.APISecret}
}

type result struct {
	code           int
	stdout, stderr string
}

// jpcrm runs the CLI in-process.
func jpcrm(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	if strings.Contains(r.stdout+r.stderr, testSecret) {
		t.Errorf("jpcrm %v printed the API secret:\nstdout:\n%s\nstderr:\n%s", args, r.stdout, r.stderr)
	}
	return r
}

// ok runs the CLI and requires exit code 0.
func ok(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := jpcrm(t, env, "", args...)
	require.Equalf(t, 0, r.code, "jpcrm %v\nstdout:\n%s\nstderr:\n%s", args, r.stdout, r.stderr)
	return r
}

// golden compares got with testdata/name.golden (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./cmd/jpcrm -update")
	require.Equal(t, string(want), got, "output differs from %s (go test ./cmd/jpcrm -update rewrites it)", path)
}

// writeFile writes content to a file in a fresh temp dir and returns its
// path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// endpointCounts counts the logged requests per endpoint.
func endpointCounts(srv *jetpackcrmtest.Server) map[string]int {
	m := map[string]int{}
	for _, r := range srv.Requests() {
		m[r.Endpoint]++
	}
	return m
}

// exportLines returns the "export NAME=value" lines of fake's output.
func exportLines(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			if k, v, ok := strings.Cut(rest, "="); ok {
				m[k] = v
			}
		}
	}
	return m
}
