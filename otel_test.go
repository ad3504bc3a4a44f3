package jetpackcrm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/jpcrm-go/jetpackcrm/internal/oteltest"
	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// telemetryOptions gives a Client the recorder's providers.
func telemetryOptions(rec *oteltest.Recorder) []Option {
	return []Option{WithTracerProvider(rec.TP), WithMeterProvider(rec.MP)}
}

// assertNoSecretAnyCase is assertNoSecret, case-insensitively: it also
// catches escapes written in lower case (%2f) and lower-cased copies.
func assertNoSecretAnyCase(t testing.TB, texts ...string) {
	t.Helper()
	for _, text := range texts {
		low := strings.ToLower(text)
		for _, form := range secretForms {
			if strings.Contains(low, strings.ToLower(form)) {
				t.Errorf("credential form %q leaked in: %s", form, text)
			}
		}
	}
}

func TestTelemetryOptionsRefuseNil(t *testing.T) {
	t.Parallel()
	var tp *sdktrace.TracerProvider
	var mp *sdkmetric.MeterProvider
	for _, opt := range []Option{WithTracerProvider(nil), WithMeterProvider(nil), WithTracerProvider(tp), WithMeterProvider(mp)} {
		_, err := NewClient(testSite, testKey, testSecret, opt)
		assert.ErrorIs(t, err, ErrInvalidInput)
	}
}

func TestTelemetryOffRecordsNothing(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "status", replay(t, 1))
	_, _, err := env.client.Status(context.Background())
	require.NoError(t, err)
	assert.Nil(t, env.client.tel, "no telemetry state without the options")
}

// An Update that reads (500, then the contact), writes (500, 500, then the
// answer) and reads back: one span for the operation, a client span per
// HTTP request under it, the retries as events.
func TestTelemetryUpdateShapes(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := oteltest.NewRecorder()
		env := setup(t, telemetryOptions(rec)...)
		serveWire(env, http.MethodGet, "customer_search", replay(t, 110).Then(replay(t, 74)))
		serveWire(env, http.MethodPost, "create_customer", replay(t, 110).Then(replay(t, 110)).Then(replay(t, 29)))

		ctx, parent := rec.TP.Tracer("test").Start(context.Background(), "caller")
		_, _, err := env.client.Customers.Update(ctx, adaEmail, &CustomerRequest{Address: Address{City: "Marylebone"}})
		parent.End()
		require.NoError(t, err)

		views := rec.Ended(t)
		t.Logf("exported spans:\n%s", oteltest.Dump(views))
		require.Len(t, views, 8, "caller, Update, 3 GETs (read, its retry, read back), 3 POSTs")

		update := oteltest.Named(views, "jetpackcrm Customers.Update")
		require.Len(t, update, 1, "the read, the write and the read back join the operation's span")
		assert.Equal(t, trace.SpanKindInternal, update[0].Kind)
		assert.Equal(t, "caller", update[0].Parent)
		assert.Equal(t, "Unset", update[0].Status)
		require.Len(t, update[0].Events, 3, "a retry of the read, two of the write")
		assert.Contains(t, update[0].Events[0], "jetpackcrm.retry{error.type=500,http.response.status_code=500,jetpackcrm.endpoint=customer_search,jetpackcrm.retry.attempt=1,jetpackcrm.retry.wait=")
		assert.Contains(t, update[0].Events[1], "jetpackcrm.endpoint=create_customer,jetpackcrm.retry.attempt=1,")
		assert.Contains(t, update[0].Events[2], "jetpackcrm.endpoint=create_customer,jetpackcrm.retry.attempt=2,")

		gets := oteltest.Named(views, "GET")
		require.Len(t, gets, 3)
		assert.Equal(t, oteltest.SpanView{Name: "GET", Kind: trace.SpanKindClient, Parent: "jetpackcrm Customers.Update", Status: "Error",
			Attrs: map[string]string{
				"http.request.method": "GET", "server.address": "crm.example.com", "server.port": "443",
				"url.full":                  "https://crm.example.com/wp/zbs_api/customer_search/?email=REDACTED&api_key=REDACTED&api_secret=REDACTED",
				"jetpackcrm.endpoint":       "customer_search",
				"http.response.status_code": "500", "error.type": "500", "network.protocol.version": "1.1",
			}}, gets[0])
		assert.Equal(t, "1", gets[1].Attrs["http.request.resend_count"])
		assert.Equal(t, "200", gets[1].Attrs["http.response.status_code"])
		assert.Equal(t, "Unset", gets[1].Status)
		assert.NotContains(t, gets[1].Attrs, "error.type")
		assert.NotContains(t, gets[2].Attrs, "http.request.resend_count", "the read back is a request of its own")

		posts := oteltest.Named(views, "POST")
		require.Len(t, posts, 3)
		for i, p := range posts {
			assert.Equal(t, "jetpackcrm Customers.Update", p.Parent)
			assert.Equal(t, trace.SpanKindClient, p.Kind)
			assert.Equal(t, "https://crm.example.com/wp/zbs_api/create_customer/?api_key=REDACTED&api_secret=REDACTED", p.Attrs["url.full"])
			if i == 0 {
				assert.NotContains(t, p.Attrs, "http.request.resend_count", "the first request is not a resend")
			} else {
				assert.Equal(t, fmt.Sprint(i), p.Attrs["http.request.resend_count"])
			}
		}

		point := func(errType, method, status string) string {
			return errType + "http.request.method=" + method + ",http.response.status_code=" + status +
				",network.protocol.version=1.1,server.address=crm.example.com,server.port=443"
		}
		assert.Equal(t, map[string]float64{
			point("error.type=500,", "GET", "500"):  1,
			point("", "GET", "200"):                 2,
			point("error.type=500,", "POST", "500"): 2,
			point("", "POST", "200"):                1,
		}, rec.Points(t, "http.client.request.duration"))
		assert.Equal(t, map[string]float64{
			"error.type=500,http.request.method=GET,jetpackcrm.operation=Customers.Update,server.address=crm.example.com,server.port=443":  1,
			"error.type=500,http.request.method=POST,jetpackcrm.operation=Customers.Update,server.address=crm.example.com,server.port=443": 2,
		}, rec.Points(t, "jetpackcrm.client.retries"))
	})
}

func TestTelemetryInstruments(t *testing.T) {
	t.Parallel()
	rec := oteltest.NewRecorder()
	env := setup(t, telemetryOptions(rec)...)
	serveWire(env, http.MethodGet, "status", replay(t, 1))
	_, _, err := env.client.Status(context.Background())
	require.NoError(t, err)

	var rm metricdata.ResourceMetrics
	require.NoError(t, rec.Reader.Collect(context.Background(), &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	sm := rm.ScopeMetrics[0]
	assert.Equal(t, instrumentationName, sm.Scope.Name)
	assert.Equal(t, Version, sm.Scope.Version)
	require.Len(t, sm.Metrics, 1, "the retries counter has no point without a retry")
	m := sm.Metrics[0]
	assert.Equal(t, "http.client.request.duration", m.Name)
	assert.Equal(t, "s", m.Unit)
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok)
	require.Len(t, h.DataPoints, 1)
	assert.Equal(t, []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}, h.DataPoints[0].Bounds,
		"the conventions' buckets")
}

// One 429 pauses the whole Client: a call that starts during the pause
// records the wait as an event; the call that got the 429 records a retry.
func TestTelemetrySharedPauseEvent(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := oteltest.NewRecorder()
		env := setup(t, telemetryOptions(rec)...)
		limited := func(req *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(http.StatusTooManyRequests, `{"success":false}`)
			resp.Header.Set("Retry-After", "3")
			return resp, nil
		}
		serveWire(env, http.MethodGet, "status", httpmock.Responder(limited).Then(replay(t, 1)))

		var wg sync.WaitGroup
		wg.Go(func() {
			_, _, err := env.client.Status(context.Background())
			assert.NoError(t, err)
		})
		synctest.Wait() // the first call has its 429 and waits 3 s
		_, _, err := env.client.StatusFull(context.Background())
		require.NoError(t, err)
		wg.Wait()

		views := rec.Ended(t)
		t.Logf("exported spans:\n%s", oteltest.Dump(views))
		first := oteltest.Named(views, "jetpackcrm Client.Status")
		require.Len(t, first, 1)
		assert.Equal(t, []string{"jetpackcrm.retry{error.type=429,http.response.status_code=429,jetpackcrm.endpoint=status,jetpackcrm.retry.attempt=1,jetpackcrm.retry.wait=3}"}, first[0].Events)
		second := oteltest.Named(views, "jetpackcrm Client.StatusFull")
		require.Len(t, second, 1)
		assert.Equal(t, []string{"jetpackcrm.pause{jetpackcrm.pause.wait=3}"}, second[0].Events)
		assert.Equal(t, map[string]float64{
			"error.type=429,http.request.method=GET,jetpackcrm.operation=Client.Status,server.address=crm.example.com,server.port=443": 1,
		}, rec.Points(t, "jetpackcrm.client.retries"))
	})
}

// Iterators: a span per page call; Client.Do: a span named after it.
func TestTelemetryIteratorPagesAndDo(t *testing.T) {
	t.Parallel()
	rec := oteltest.NewRecorder()
	env := setup(t, telemetryOptions(rec)...)
	serveWire(env, http.MethodPost, "customers",
		jsonResponder(200, `[{"id":"1","email":"a@example.com"},{"id":"2","email":"b@example.com"}]`).Then(jsonResponder(200, `[{"id":"3","email":"c@example.com"}]`)))
	serveWire(env, http.MethodGet, "status", replay(t, 1))
	ctx := context.Background()
	n := 0
	for _, err := range env.client.Customers.All(ctx, &CustomerListOptions{ListOptions: ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 3, n)
	req, err := env.client.NewRequest(ctx, http.MethodGet, "status", nil, nil)
	require.NoError(t, err)
	_, err = env.client.Do(req, nil)
	require.NoError(t, err)

	views := rec.Ended(t)
	pages := oteltest.Named(views, "jetpackcrm Customers.List")
	require.Len(t, pages, 2, "one span per page")
	for _, p := range pages {
		assert.Equal(t, "customers", p.Attrs["jetpackcrm.endpoint"])
	}
	do := oteltest.Named(views, "jetpackcrm Client.Do")
	require.Len(t, do, 1)
	assert.Equal(t, "status", do[0].Attrs["jetpackcrm.endpoint"])
	posts := oteltest.Named(views, "POST")
	require.Len(t, posts, 2)
	assert.Equal(t, "jetpackcrm Customers.List", posts[0].Parent)
	gets := oteltest.Named(views, "GET")
	require.Len(t, gets, 1)
	assert.Equal(t, "jetpackcrm Client.Do", gets[0].Parent)
}

// Calls refused before any request record nothing, whether alone or in
// an operation made of several calls.
func TestTelemetryRefusedCallsRecordNothing(t *testing.T) {
	t.Parallel()
	rec := oteltest.NewRecorder()
	env := setup(t, telemetryOptions(rec)...)
	ctx := context.Background()
	_, _, err := env.client.Customers.Create(ctx, &CustomerRequest{})
	require.ErrorIs(t, err, ErrInvalidInput)
	_, _, err = env.client.Customers.Update(ctx, "not an email", &CustomerRequest{})
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Empty(t, rec.Spans.Ended())
	assert.Empty(t, rec.Points(t, "http.client.request.duration"))
}

// Every error path of the hygiene suite, with tracing and metrics on: no
// span name, attribute, event, status description, link or metric
// attribute holds the key or the secret in any form.
func TestTelemetryNeverHoldsSecrets(t *testing.T) {
	t.Parallel()
	for _, tc := range leakCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := oteltest.NewRecorder()
			_, _, _, err := tc.run(t, telemetryOptions(rec)...)
			require.Error(t, err, "every case is an error path")

			views := rec.Ended(t)
			calls := 0
			for _, v := range views {
				if v.Kind == trace.SpanKindInternal {
					calls++
					assert.True(t, strings.HasPrefix(v.Status, codes.Error.String()), "the call span records the failure: %s", v.Status)
					assert.NotEmpty(t, v.Attrs["error.type"])
				}
				if u, ok := v.Attrs["url.full"]; ok {
					assert.Contains(t, u, "api_key=REDACTED&api_secret=REDACTED")
				}
			}
			assert.Equal(t, 1, calls, "one call span:\n%s", oteltest.Dump(views))
			assertNoSecretAnyCase(t, rec.Texts()...)
			assertNoSecretAnyCase(t, rec.MetricTexts(t)...)
		})
	}
}

// benchTransport answers every request at once from memory, so that the
// allocations measured are the SDK's.
type benchTransport struct{ body []byte }

func (b benchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp := httpmock.NewBytesResponse(http.StatusOK, b.body)
	resp.Header.Set("Content-Type", "application/json")
	resp.Request = req
	return resp, nil
}

// BenchmarkTelemetry compares a call without telemetry, with no-op
// providers and with the SDK's recording providers: the first must not
// allocate more than the SDK did before telemetry existed.
func BenchmarkTelemetry(b *testing.B) {
	body := recorded.MustByNumber(b, 1).ResponseBody
	rec := oteltest.NewRecorder()
	noopTP, noopMP := noopProviders()
	for _, bc := range []struct {
		name string
		opts []Option
	}{
		{"telemetry=off", nil},
		{"telemetry=noop", []Option{WithTracerProvider(noopTP), WithMeterProvider(noopMP)}},
		{"telemetry=sdk", telemetryOptions(rec)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := append([]Option{WithHTTPClient(&http.Client{Transport: benchTransport{body}})}, bc.opts...)
			c, err := NewClient(testSite, testKey, testSecret, opts...)
			require.NoError(b, err)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.Status(ctx); err != nil {
					b.Fatal(err)
				}
				rec.Spans.Reset()
			}
		})
	}
}

func noopProviders() (trace.TracerProvider, metric.MeterProvider) {
	return tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider()
}

// otelhttpWrapper is the README's setup for otelhttp: between the SDK's
// own layer and the layer that adds the credentials.
func otelhttpWrapper(rec *oteltest.Recorder) Option {
	return WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		return otelhttp.NewTransport(rt, otelhttp.WithTracerProvider(rec.TP), otelhttp.WithMeterProvider(rec.MP))
	})
}

func TestTransportWrapperRefusesNil(t *testing.T) {
	t.Parallel()
	_, err := NewClient(testSite, testKey, testSecret, WithTransportWrapper(nil))
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = NewClient(testSite, testKey, testSecret, WithTransportWrapper(func(http.RoundTripper) http.RoundTripper { return nil }))
	assert.ErrorIs(t, err, ErrInvalidInput)
	var typedNil *otelhttp.Transport
	_, err = NewClient(testSite, testKey, testSecret, WithTransportWrapper(func(http.RoundTripper) http.RoundTripper { return typedNil }))
	assert.ErrorIs(t, err, ErrInvalidInput)
}

// Why the README says not to put otelhttp in WithHTTPClient's Transport:
// the credentials are added above it, so it records them.
func TestOtelhttpInHTTPClientRecordsTheCredentials(t *testing.T) {
	t.Parallel()
	rec := oteltest.NewRecorder()
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, testAPI+"status/", replay(t, 1))
	c, err := NewClient(testSite, testKey, testSecret,
		WithHTTPClient(&http.Client{Transport: otelhttp.NewTransport(mock, otelhttp.WithTracerProvider(rec.TP))}))
	require.NoError(t, err)
	_, _, err = c.Status(context.Background())
	require.NoError(t, err)
	spans := oteltest.Named(rec.Ended(t), "HTTP GET")
	require.Len(t, spans, 1)
	assert.Contains(t, spans[0].Attrs["url.full"], url.QueryEscape(testSecret))
}

// The README's setup: otelhttp's spans nest under the SDK's request span,
// its url.full has no credentials, and the server still gets them.
func TestOtelhttpWrapperShapes(t *testing.T) {
	t.Parallel()
	rec := oteltest.NewRecorder()
	env := setup(t, append(telemetryOptions(rec), otelhttpWrapper(rec))...)
	serveWire(env, http.MethodGet, "status", replay(t, 1)) // fails without the credentials
	_, _, err := env.client.Status(context.Background())
	require.NoError(t, err)

	views := rec.Ended(t)
	t.Logf("exported spans:\n%s", oteltest.Dump(views))
	inner := oteltest.Named(views, "HTTP GET")
	require.Len(t, inner, 1)
	assert.Equal(t, "GET", inner[0].Parent, "otelhttp's span is a child of the SDK's request span")
	assert.Equal(t, testAPI+"status/", inner[0].Attrs["url.full"])
	assert.Equal(t, "200", inner[0].Attrs["http.response.status_code"])
	sdk := oteltest.Named(views, "GET")
	require.Len(t, sdk, 1)
	assert.Equal(t, "jetpackcrm Client.Status", sdk[0].Parent)
	assert.Len(t, rec.Points(t, "http.client.request.duration"), 2, "the SDK's and otelhttp's, in two scopes")
}

// Same-host redirects are still followed, with the credentials added again
// under the wrapper and stripped from the Location it sees.
func TestOtelhttpWrapperFollowsSameHostRedirects(t *testing.T) {
	t.Parallel()
	rec := oteltest.NewRecorder()
	var sawCreds []bool
	var mu sync.Mutex
	srv := httptestServer(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		sawCreds = append(sawCreds, q.Get("api_key") == testKey && q.Get("api_secret") == testSecret)
		mu.Unlock()
		if q.Get("moved") == "" {
			http.Redirect(w, r, r.URL.Path+"?moved=1&"+r.URL.RawQuery, http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(recorded.MustByNumber(t, 1).ResponseBody)
	})
	c, err := NewClient(srv.URL, testKey, testSecret, append(telemetryOptions(rec), otelhttpWrapper(rec))...)
	require.NoError(t, err)
	_, _, err = c.Status(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true}, sawCreds, "both hops carried the credentials")
	inner := oteltest.Named(rec.Ended(t), "HTTP GET")
	require.Len(t, inner, 2)
	assert.Equal(t, srv.URL+"/zbs_api/status/?moved=1", inner[1].Attrs["url.full"])
	assertNoSecretAnyCase(t, rec.Texts()...)
}

// The README's setup on every error path of the hygiene suite: neither the
// SDK's telemetry nor otelhttp's holds the credentials.
func TestOtelhttpWrapperNeverHoldsSecrets(t *testing.T) {
	t.Parallel()
	for _, tc := range leakCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := oteltest.NewRecorder()
			_, logs, _, err := tc.run(t, append(telemetryOptions(rec), otelhttpWrapper(rec))...)
			require.Error(t, err, "every case is an error path")
			assertErrorHidesSecret(t, err)
			assertNoSecret(t, logs.String())
			sent := len(oteltest.Named(rec.Ended(t), "GET")) + len(oteltest.Named(rec.Ended(t), "POST"))
			otel := len(oteltest.Named(rec.Ended(t), "HTTP GET")) + len(oteltest.Named(rec.Ended(t), "HTTP POST"))
			assert.Equal(t, sent, otel, "otelhttp saw every request the SDK sent")
			assertNoSecretAnyCase(t, rec.Texts()...)
			assertNoSecretAnyCase(t, rec.MetricTexts(t)...)
		})
	}
}

func httptestServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestTelemetryFullURL(t *testing.T) {
	t.Parallel()
	tel := &telemetry{creds: newCredentials(testKey, testSecret)}
	creds := "api_key=REDACTED&api_secret=REDACTED"
	tests := []struct{ name, in, want string }{
		{"no query", "https://crm.example.com/wp/zbs_api/status/", "https://crm.example.com/wp/zbs_api/status/?" + creds},
		{"paging and routing shown", "https://crm.example.com/?zbs_api=events&page=2&perpage=50&full=1&order=ASC",
			"https://crm.example.com/?zbs_api=events&page=2&perpage=50&full=1&order=ASC&" + creds},
		{"personal data hidden", "https://crm.example.com/wp/zbs_api/customer_search/?email=ada%40example.com&zbs_query=Ada+L",
			"https://crm.example.com/wp/zbs_api/customer_search/?email=REDACTED&zbs_query=REDACTED&" + creds},
		{"a key without value kept", "https://crm.example.com/x/?flag", "https://crm.example.com/x/?flag&" + creds},
		{"credentials in the query replaced", "https://crm.example.com/x/?" + newCredentials(testKey, testSecret).query + "&page=1",
			"https://crm.example.com/x/?page=1&" + creds},
		{"credentials elsewhere redacted", "https://u:p@crm.example.com/" + url.PathEscape(testSecret) + "/",
			"https://crm.example.com/" + redactedMark + "/?" + creds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			require.NoError(t, err)
			got := tel.fullURL(u)
			assert.Equal(t, tt.want, got)
			assertNoSecretAnyCase(t, got)
		})
	}
}

// Programs get the otel API packages the options name, never the SDK or
// otelhttp, which only tests import.
func TestProgramsDoNotLinkTheOtelSDK(t *testing.T) {
	t.Parallel()
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(gotool, "list", "-e", "-deps", ".", "./jetpackcrmtest", "./cmd/...", "./examples/...").Output()
	require.NoError(t, err)
	deps := string(out)
	require.Contains(t, deps, "go.opentelemetry.io/otel/trace\n")
	for _, testOnly := range []string{"go.opentelemetry.io/otel/sdk", "go.opentelemetry.io/contrib", "internal/oteltest"} {
		assert.NotContains(t, deps, testOnly)
	}
}

// echoCreatedContact answers a create_customer as the site does: the fields
// sent, with the new contact's id.
func echoCreatedContact(req *http.Request) (*http.Response, error) {
	var in map[string]any
	if err := json.NewDecoder(req.Body).Decode(&in); err != nil {
		return nil, err
	}
	in["id"] = 1
	out, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	return jsonResponder(200, string(out))(req)
}

// UpsertMany: one span for the operation, a Create span per request
// under it, written concurrently.
func TestTelemetryUpsertManyShape(t *testing.T) {
	t.Parallel()
	rec := oteltest.NewRecorder()
	env := setup(t, telemetryOptions(rec)...)
	env.respond(http.MethodPost, "create_customer", echoCreatedContact)
	reqs := []*CustomerRequest{{Email: "a@example.com"}, {Email: "b@example.com"}, {Email: "c@example.com"}}
	results, err := env.client.Customers.UpsertMany(context.Background(), reqs, BulkOptions{Concurrency: 3})
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, r.Err)
	}

	views := rec.Ended(t)
	t.Logf("exported spans:\n%s", oteltest.Dump(views))
	require.Len(t, oteltest.Named(views, "jetpackcrm Customers.UpsertMany"), 1)
	creates := oteltest.Named(views, "jetpackcrm Customers.Create")
	require.Len(t, creates, 3)
	for _, c := range creates {
		assert.Equal(t, "jetpackcrm Customers.UpsertMany", c.Parent)
	}
	posts := oteltest.Named(views, "POST")
	require.Len(t, posts, 3)
	for _, p := range posts {
		assert.Equal(t, "jetpackcrm Customers.Create", p.Parent)
	}
}
