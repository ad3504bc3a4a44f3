package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, pw, "127.0.0.1:0", "jpcrm_pk_test", "jpcrm_sk_test", 3)
		_ = pw.Close()
		done <- err
	}()

	// Read up to the curl line, which carries a ready-to-use URL.
	lines := bufio.NewScanner(pr)
	var statusURL string
	for lines.Scan() {
		line := lines.Text()
		if u, ok := strings.CutPrefix(strings.TrimSpace(line), "curl '"); ok {
			statusURL = strings.TrimSuffix(u, "'")
			break
		}
	}
	require.NotEmpty(t, statusURL)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	assert.Contains(t, statusURL, "api_key=jpcrm_pk_test")

	resp, err := http.Get(statusURL)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Success bool `json:"success"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, body.Success)

	cancel()
	require.NoError(t, <-done)
}

func TestRunRejectsNegativeSeed(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), io.Discard, "127.0.0.1:0", "", "", -1)
	require.Error(t, err)
}
