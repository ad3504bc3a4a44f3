package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNoCauseOfAnErrorShowsTheCredentials(t *testing.T) {
	t.Parallel()
	env := setup(t, WithoutRetries())
	env.respond("GET", "quotes", func(req *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("no responder found for GET %s: %w", req.URL, syscall.ECONNRESET)
	})
	_, _, err := env.client.Quotes.List(context.Background(), nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ECONNRESET, "errors.Is still sees the cause")
	depth := 0
	for e := err; e != nil; e = errors.Unwrap(e) {
		assertErrorHidesSecret(t, e)
		depth++
	}
	assert.Greater(t, depth, 1)
}

func TestHeadersEchoingTheCredentialsAreRedacted(t *testing.T) {
	t.Parallel()
	env := setup(t)
	env.respond("GET", "quotes", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `[]`)
		resp.Header.Set("X-Echo", req.URL.String())
		resp.Body = io.NopCloser(strings.NewReader(`[]`))
		return resp, nil
	})
	_, resp, err := env.client.Quotes.List(context.Background(), nil)
	require.NoError(t, err)
	assertNoSecret(t, resp.Header.Get("X-Echo"), fmt.Sprintf("%+v", resp))
	assert.Contains(t, resp.Header.Get("X-Echo"), "/zbs_api/quotes/")
}
