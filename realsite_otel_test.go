package jetpackcrm_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/oteltest"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
)

// TestRealSiteTelemetry traces a create, an update, a list page, a miss and
// a request WordPress redirects (no trailing slash: a 301 whose Location
// holds the credentials) against every real site, with otelhttp under the
// SDK as the README says, and checks the spans' shape and that nothing
// recorded holds the site's key or secret.
func TestRealSiteTelemetry(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		rec := oteltest.NewRecorder()
		c := s.Client(t, jetpackcrm.WithTracerProvider(rec.TP), jetpackcrm.WithMeterProvider(rec.MP),
			jetpackcrm.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
				return otelhttp.NewTransport(rt, otelhttp.WithTracerProvider(rec.TP), otelhttp.WithMeterProvider(rec.MP))
			}))
		ctx := context.Background()
		email := realsite.Stamp() + "@otel.example.com"

		_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Otel", Status: "Lead"})
		require.NoError(t, err)
		_, _, err = c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{LastName: "Traced"})
		require.NoError(t, err)
		_, _, err = c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}})
		require.NoError(t, err)
		_, _, err = c.Customers.GetByEmail(ctx, "missing-"+email)
		require.ErrorIs(t, err, jetpackcrm.ErrNotFound)
		req, err := c.NewRequest(ctx, http.MethodGet, "status", nil, nil)
		require.NoError(t, err)
		req.URL.Path = strings.TrimSuffix(req.URL.Path, "/")
		_, err = c.Do(req, nil)
		require.NoError(t, err, "the same-host 301 is followed")

		views := rec.Ended(t)
		t.Logf("exported spans:\n%s", oteltest.Dump(views))
		update := oteltest.Named(views, "jetpackcrm Customers.Update")
		require.Len(t, update, 1)
		miss := oteltest.Named(views, "jetpackcrm Customers.GetByEmail")
		require.Len(t, miss, 1, "Update's reads join its span; the miss has its own")
		assert.Equal(t, "not_found", miss[0].Attrs["error.type"])
		do := oteltest.Named(views, "jetpackcrm Client.Do")
		require.Len(t, do, 1)
		var hops []oteltest.SpanView
		for _, v := range oteltest.Named(views, "GET") {
			if v.Parent == "jetpackcrm Client.Do" {
				hops = append(hops, v)
			}
		}
		require.Len(t, hops, 2, "the 301 and the request it redirects to")
		assert.Equal(t, "301", hops[0].Attrs["http.response.status_code"])
		assert.Equal(t, "1", hops[1].Attrs["http.request.resend_count"])
		for _, v := range views {
			if u, ok := v.Attrs["url.full"]; ok && v.Name != "HTTP GET" && v.Name != "HTTP POST" {
				assert.Contains(t, u, "api_key=REDACTED&api_secret=REDACTED", v.Name)
			}
		}
		assert.NotEmpty(t, rec.Points(t, "http.client.request.duration"))
		for _, text := range append(rec.Texts(), rec.MetricTexts(t)...) {
			assert.False(t, s.Leaks(text), "a credential in %q", text)
		}
	})
}
