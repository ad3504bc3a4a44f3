package jetpackcrm

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCustomFieldSlugsAreReadAgainForANewSlug: a field added on the site
// after the Client learnt its slugs is accepted once the cache is a minute
// old; a known slug never costs a read.
func TestCustomFieldSlugsAreReadAgainForANewSlug(t *testing.T) {
	t.Parallel()
	env := setup(t)
	c, err := NewClient(testSite, testKey, testSecret, WithHTTPClient(&http.Client{Transport: env.mock}), WithoutRetries())
	require.NoError(t, err)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c.customFields.now = func() time.Time { return now }
	var reads atomic.Int32
	site := `[{"id":"1","email":"a@example.com","tier":""}]`
	env.respond(http.MethodPost, "customers", func(req *http.Request) (*http.Response, error) {
		reads.Add(1)
		return jsonResponder(200, site)(req)
	})
	env.respond(http.MethodPost, "create_customer", jsonResponder(200, `{"id":2}`))
	ctx := context.Background()
	create := func(slug string) error {
		_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "b@example.com", CustomFields: map[string]string{slug: "x"}})
		return err
	}
	require.NoError(t, create("tier"))
	require.ErrorIs(t, create("region"), ErrInvalidInput)
	assert.Equal(t, int32(1), reads.Load())

	site = `[{"id":"1","email":"a@example.com","tier":"","region":""}]` // defined on the site meanwhile
	now = now.Add(59 * time.Second)
	require.ErrorIs(t, create("region"), ErrInvalidInput, "still cached")
	now = now.Add(time.Second)
	require.NoError(t, create("region"))
	require.NoError(t, create("tier"))
	assert.Equal(t, int32(2), reads.Load())
	assertErrorHidesSecret(t, create("nope"))
}
