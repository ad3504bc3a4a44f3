package jetpackcrm_test

import (
	"context"
	"fmt"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/jpcrm-go/jetpackcrm"
)

// With a TracerProvider, every call is a span named after the operation,
// with a client span per HTTP request under it.
func ExampleWithTracerProvider() {
	site := exampleSite()
	defer site.Close()
	spans := tracetest.NewSpanRecorder() // a real program exports them
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))

	client, err := jetpackcrm.NewClient(site.URL, "example-key", "example-secret", jetpackcrm.WithTracerProvider(tp))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, _, err := client.Status(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range spans.Ended() {
		fmt.Println(s.Name(), s.SpanKind())
	}
	// Output:
	// GET client
	// jetpackcrm Client.Status internal
}

// otelhttp goes in WithTransportWrapper, under the SDK's layer and above
// the one that adds the credentials, so that its url.full never holds
// them. Wrapping the Transport given to WithHTTPClient instead would record
// them in every span.
func ExampleWithTransportWrapper() {
	site := exampleSite()
	defer site.Close()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))

	client, err := jetpackcrm.NewClient(site.URL, "example-key", "example-secret",
		jetpackcrm.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			return otelhttp.NewTransport(rt, otelhttp.WithTracerProvider(tp))
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, _, err := client.Status(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range spans.Ended() {
		for _, kv := range s.Attributes() {
			if kv.Key == "url.full" {
				fmt.Println(s.Name(), kv.Value.AsString()[len(site.URL):])
			}
		}
	}
	// Output:
	// HTTP GET /zbs_api/status/
}
