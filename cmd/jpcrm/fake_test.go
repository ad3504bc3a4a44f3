package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFakeSession runs "jpcrm fake" until its context is cancelled and uses
// the variables it prints, as a new user would: status, import, list,
// export.
func TestFakeSession(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := runContext(ctx, []string{"fake", "--addr", "127.0.0.1:0", "--seed-contacts", "3", "--demo"},
			nil, pw, io.Discard, func(string) string { return "" })
		_ = pw.Close()
		done <- code
	}()

	var out strings.Builder
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), "Serving until interrupted") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	assert.Contains(t, out.String(), "Fake Jetpack CRM listening on http://127.0.0.1:")
	env := exportLines(out.String())
	require.Len(t, env, 3, out.String())
	assert.True(t, strings.HasPrefix(env[envKey], "jpcrm_pk_"))
	assert.True(t, strings.HasPrefix(env[envSecret], "jpcrm_sk_"))
	assert.Contains(t, out.String(), "API secret: "+env[envSecret])

	assert.Contains(t, ok(t, env, "status").stdout, "Successful Connection")
	r := jpcrm(t, env, "", "customers", "import", writeFile(t, "c.csv", smallCSV))
	assert.Equal(t, exitPartial, r.code)
	assert.Contains(t, r.stdout, "created         2")
	assert.Len(t, strings.Split(strings.TrimSpace(ok(t, env, "customers", "list", "--all", "-o", "jsonl").stdout), "\n"), 6)
	assert.Contains(t, ok(t, env, "customers", "export").stdout, "ada@example.com,Lead,,Ada,Lovelace,,,London")
	for _, cmd := range [][]string{{"quotes", "list"}, {"invoices", "list"}, {"transactions", "list"}, {"events", "list"}, {"companies", "list"}} {
		assert.NotEmpty(t, ok(t, env, cmd...).stdout, cmd)
	}

	cancel()
	assert.Equal(t, exitOK, <-done)
}

func TestFakeRefusesBusyAddress(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newFake(t)
	addr := strings.TrimPrefix(srv.URL, "http://")
	var stderr strings.Builder
	code := runContext(ctx, []string{"fake", "--addr", addr}, nil, io.Discard, &stderr, nil)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr.String(), "cannot listen")
}

// TestLibraryDoesNotCompileTheCLI checks that a program importing the SDK
// (or its fake) does not depend on the CLI's packages.
func TestLibraryDoesNotCompileTheCLI(t *testing.T) {
	t.Parallel()
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(gotool, "list", "-e", "-deps",
		"github.com/jpcrm-go/jetpackcrm", "github.com/jpcrm-go/jetpackcrm/jetpackcrmtest").Output()
	require.NoError(t, err)
	deps := string(out)
	require.Contains(t, deps, "github.com/jpcrm-go/jetpackcrm\n")
	for _, cliOnly := range []string{"github.com/spf13/cobra", "github.com/spf13/pflag", "github.com/schollz/progressbar", "golang.org/x/term", "cmd/jpcrm"} {
		assert.NotContains(t, deps, cliOnly)
	}
}

// TestREADMEDocumentsExitCodes keeps the documented exit codes in step with
// the code.
func TestREADMEDocumentsExitCodes(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, row := range []string{"| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", envURL, envKey, envSecret, "--secret-file"} {
		assert.Contains(t, string(b), row)
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4}, []int{exitOK, exitError, exitUsage, exitAuth, exitPartial})
}
