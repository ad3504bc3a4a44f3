package jetpackcrm

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/time/rate"
)

// Option configures a [Client]. Each option validates its argument and makes
// [NewClient] return an error when it is unusable.
type Option func(*config) error

// config collects the options before NewClient builds the Client from them.
type config struct {
	httpClient       *http.Client
	userAgent        string
	policy           RetryPolicy
	logger           *slog.Logger
	limiter          *rate.Limiter
	noAdaptive       bool
	maxResponseBytes int64
	insecureHTTP     bool
	queryRouting     bool
	// noCustomFieldCheck is set by WithoutCustomFieldCheck (customfields.go).
	noCustomFieldCheck bool
	// OpenTelemetry (otel.go): nil records nothing.
	tracerProvider   trace.TracerProvider
	meterProvider    metric.MeterProvider
	transportWrapper func(http.RoundTripper) http.RoundTripper
}

// WithHTTPClient makes the [Client] send through hc (its Transport, Timeout,
// Jar and CheckRedirect are used). The Client works on a copy of hc: it
// wraps the Transport to add the credentials and refuses cross-host
// redirects before hc's own CheckRedirect runs. hc's Transport therefore
// sees the credentials in every URL: give instrumentation that records
// URLs (otelhttp) with [WithTransportWrapper] instead.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header. The SDK's own name and version
// are appended, so that site owners can tell SDK traffic apart.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		ua = strings.TrimSpace(ua)
		if ua == "" {
			return errors.New("WithUserAgent: empty user agent")
		}
		for _, r := range ua {
			if r < 0x20 || r == 0x7f {
				return errors.New("WithUserAgent: user agent contains a control character")
			}
		}
		c.userAgent = ua + " " + defaultUserAgent
		return nil
	}
}

// WithRetryPolicy replaces the default retry policy (see [RetryPolicy]).
// Zero fields take their defaults; negative values are an error.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		filled, err := p.withDefaults()
		if err != nil {
			return err
		}
		c.policy = filled
		return nil
	}
}

// WithoutRetries makes every call a single attempt. A 429 or 503 is then
// returned at once as a [*RateLimitError] or [*APIError].
func WithoutRetries() Option {
	return func(c *config) error {
		c.policy.MaxRetries = 0
		c.policy.noRetries = true
		return nil
	}
}

// WithLogger logs one debug line per attempt (method, endpoint, path,
// status, duration, attempt number) and a warning per retry. The query
// string (where the credentials travel) and bodies are never logged. The
// default is silent.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("WithLogger: nil *slog.Logger")
		}
		c.logger = l
		return nil
	}
}

// WithRateLimit throttles the [Client] to requestsPerSecond on average, with
// bursts of up to burst requests. Retries count too. The API itself has no
// rate limit, but hosts and firewalls in front of WordPress often do. The
// rate limit the Client learns from the server (see
// [WithoutAdaptiveRateLimit]) never goes above this one.
func WithRateLimit(requestsPerSecond float64, burst int) Option {
	return func(c *config) error {
		if !(requestsPerSecond > 0) || math.IsInf(requestsPerSecond, 0) {
			return fmt.Errorf("WithRateLimit: requests per second must be a positive number, got %v", requestsPerSecond)
		}
		if burst < 1 {
			return fmt.Errorf("WithRateLimit: burst must be at least 1, got %d", burst)
		}
		c.limiter = rate.NewLimiter(rate.Limit(requestsPerSecond), burst)
		return nil
	}
}

// WithoutAdaptiveRateLimit turns off the rate limit a [Client] learns from
// its server.
//
// By default a Client sends as fast as its callers ask until the server
// first answers 429 or 503. From then on it spaces out its requests at a
// rate it adapts, shared by all its goroutines: it starts at the rate the
// server accepted over the last second, doubles it every 200 ms while it
// holds requests back, and after that climbs by 0.5% of it per second;
// every later 429 or 503 (one per burst, one per second at most) cuts it
// by 10%. Each 429 or 503 with Retry-After still pauses the whole Client
// for as long as the server asked. It is on by default because the pause
// alone is costly on small hosts: one that allows bursts of 10 at 200
// requests/s and answers Retry-After: 1 gets about 5% of its rate from
// bulk writers that only pause, and 85-95% from the learned limit (see
// the README's performance section). It costs nothing on a server that
// never refuses. Turn it off when the 429s and 503s do not come from a
// rate limit (a flaky backend's 503s would slow the Client down), or set
// [WithRateLimit] to a rate you know, which is also the learned limit's
// ceiling.
func WithoutAdaptiveRateLimit() Option {
	return func(c *config) error {
		c.noAdaptive = true
		return nil
	}
}

// WithMaxResponseBytes caps how much of a response body is read (default 32
// MiB). A longer body gives a [*DecodeError] wrapping [ErrResponseTooLarge].
// Lists have no server-side page size limit, so a huge PerPage can produce
// huge bodies.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("WithMaxResponseBytes: must be at least 1, got %d", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// site URL on a host that is not
// loopback. The API key and secret then cross the network in clear text, in
// the query string of every request: use it only on a private network.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// WithQueryRouting sends requests to /?zbs_api=<endpoint> instead of
// /zbs_api/<endpoint>/, for sites without pretty permalinks (the pretty form
// gives a WordPress 404 page there).
func WithQueryRouting() Option {
	return func(c *config) error {
		c.queryRouting = true
		return nil
	}
}
