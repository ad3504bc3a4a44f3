// Package oteltest records what the SDK's telemetry exports, through the
// OpenTelemetry SDK's in-memory span recorder and manual metric reader, for
// tests: it is imported by tests only, so the otel SDK stays out of
// programs.
package oteltest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// Recorder collects what a Client records through the otel SDK's
// in-memory span recorder and manual metric reader.
type Recorder struct {
	Spans  *tracetest.SpanRecorder
	TP     *sdktrace.TracerProvider
	Reader *sdkmetric.ManualReader
	MP     *sdkmetric.MeterProvider
}

// NewRecorder returns a Recorder whose providers record every span and
// metric, for WithTracerProvider and WithMeterProvider.
func NewRecorder() *Recorder {
	r := &Recorder{Spans: tracetest.NewSpanRecorder(), Reader: sdkmetric.NewManualReader()}
	r.TP = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.Spans))
	r.MP = sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.Reader))
	return r
}

// SpanView is an ended span in a form tests compare and print.
type SpanView struct {
	Name   string
	Kind   trace.SpanKind
	Parent string // the parent's name, "" for a root or a parent not recorded
	Attrs  map[string]string
	Events []string // name{key=value,...}
	Status string   // code, and description if any
}

// Ended returns the spans that have ended, in the order they ended.
func (r *Recorder) Ended(t testing.TB) []SpanView {
	t.Helper()
	spans := r.Spans.Ended()
	names := map[trace.SpanID]string{}
	for _, s := range spans {
		names[s.SpanContext().SpanID()] = s.Name()
	}
	views := make([]SpanView, 0, len(spans))
	for _, s := range spans {
		v := SpanView{Name: s.Name(), Kind: s.SpanKind(), Parent: names[s.Parent().SpanID()], Attrs: map[string]string{}}
		for _, kv := range s.Attributes() {
			v.Attrs[string(kv.Key)] = kv.Value.String()
		}
		for _, e := range s.Events() {
			set := attribute.NewSet(e.Attributes...)
			v.Events = append(v.Events, e.Name+"{"+set.Encoded(attribute.DefaultEncoder())+"}")
		}
		v.Status = s.Status().Code.String()
		if d := s.Status().Description; d != "" {
			v.Status += ": " + d
		}
		views = append(views, v)
	}
	return views
}

// Named returns the views with this name, in the order they ended.
func Named(views []SpanView, name string) []SpanView {
	var out []SpanView
	for _, v := range views {
		if v.Name == name {
			out = append(out, v)
		}
	}
	return out
}

// Texts is every string a span holds: name, attribute keys and values,
// events, status description, links.
func (r *Recorder) Texts() []string {
	var out []string
	for _, s := range r.Spans.Ended() {
		out = append(out, s.Name(), s.Status().Description)
		out = append(out, attrTexts(s.Attributes())...)
		for _, e := range s.Events() {
			out = append(out, e.Name)
			out = append(out, attrTexts(e.Attributes)...)
		}
		for _, l := range s.Links() {
			out = append(out, l.SpanContext.TraceState().String())
			out = append(out, attrTexts(l.Attributes)...)
		}
	}
	return out
}

func attrTexts(kvs []attribute.KeyValue) []string {
	var out []string
	for _, kv := range kvs {
		out = append(out, string(kv.Key), kv.Value.String())
	}
	return out
}

// Points is every data point of the named metric: its attributes encoded,
// and its count (histogram) or value (sum).
func (r *Recorder) Points(t testing.TB, name string) map[string]float64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Reader.Collect(context.Background(), &rm))
	out := map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[p.Attributes.Encoded(attribute.DefaultEncoder())] += float64(p.Count)
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[p.Attributes.Encoded(attribute.DefaultEncoder())] += float64(p.Value)
				}
			default:
				t.Fatalf("metric %s has unexpected data %T", name, m.Data)
			}
		}
	}
	return out
}

// MetricTexts is every string the metrics hold: names, descriptions,
// units and every data point's attributes.
func (r *Recorder) MetricTexts(t testing.TB) []string {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Reader.Collect(context.Background(), &rm))
	var out []string
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out = append(out, m.Name, m.Description, m.Unit)
			var sets []attribute.Set
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					sets = append(sets, p.Attributes)
				}
			case metricdata.Histogram[int64]:
				for _, p := range d.DataPoints {
					sets = append(sets, p.Attributes)
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					sets = append(sets, p.Attributes)
				}
			case metricdata.Sum[float64]:
				for _, p := range d.DataPoints {
					sets = append(sets, p.Attributes)
				}
			default:
				t.Fatalf("metric %s has unexpected data %T", m.Name, m.Data)
			}
			for _, s := range sets {
				out = append(out, attrTexts(s.ToSlice())...)
			}
		}
	}
	return out
}

// Dump prints views as a tree-ish list, for the test log.
func Dump(views []SpanView) string {
	var b strings.Builder
	for _, v := range views {
		keys := make([]string, 0, len(v.Attrs))
		for k := range v.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "%s [%s] parent=%q status=%s\n", v.Name, v.Kind, v.Parent, v.Status)
		for _, k := range keys {
			fmt.Fprintf(&b, "    %s=%s\n", k, v.Attrs[k])
		}
		for _, e := range v.Events {
			fmt.Fprintf(&b, "    event %s\n", e)
		}
	}
	return b.String()
}
