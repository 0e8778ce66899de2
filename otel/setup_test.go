package adminotel

import (
	"context"
	"net/http"
	"testing"

	admin "github.com/admin/api-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// harness is an Observer wired to in-memory exporters: a span recorder
// and a manual metric reader.
type harness struct {
	obs     *Observer
	spans   *tracetest.SpanRecorder
	metrics *sdkmetric.ManualReader
}

// setup returns a harness whose providers are shut down when t ends.
func setup(t *testing.T) *harness {
	t.Helper()
	h := &harness{spans: tracetest.NewSpanRecorder(), metrics: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.metrics))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	h.obs = NewObserver(WithTracerProvider(tp), WithMeterProvider(mp), WithPropagators(propagation.TraceContext{}))
	return h
}

// collect returns the metrics recorded so far.
func (h *harness) collect(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// tree is the spans of one call: the call's span and its attempts' in
// the order they started.
type tree struct {
	call     sdktrace.ReadOnlySpan
	attempts []sdktrace.ReadOnlySpan
}

// trees groups the ended spans into calls, in the order the calls
// started. A span whose parent is not a call span fails t.
func (h *harness) trees(t *testing.T) []tree {
	t.Helper()
	var out []tree
	index := map[trace.SpanID]int{}
	ended := h.spans.Ended()
	for _, s := range ended {
		if s.SpanKind() == trace.SpanKindInternal {
			index[s.SpanContext().SpanID()] = len(out)
			out = append(out, tree{call: s})
		}
	}
	for _, s := range ended {
		if s.SpanKind() == trace.SpanKindInternal {
			continue
		}
		i, ok := index[s.Parent().SpanID()]
		if !ok {
			t.Fatalf("span %q (%s) has no call span as its parent", s.Name(), s.SpanKind())
		}
		out[i].attempts = append(out[i].attempts, s)
	}
	return out
}

// attrOf returns the value of key among s's attributes.
func attrOf(s sdktrace.ReadOnlySpan, key attribute.Key) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

// step is one thing that happens in a call: a wait, or an attempt and its
// result.
type step struct {
	wait    *admin.Wait
	attempt *admin.AttemptResult
}

// drive calls the Observer's methods as a Client would for a call that
// goes through steps and ends with end, and returns the header of each
// attempt.
func drive(o admin.Observer, ctx context.Context, info admin.CallInfo, steps []step, end admin.CallResult) []http.Header {
	var headers []http.Header
	ctx = o.StartCall(ctx, info)
	for _, s := range steps {
		switch {
		case s.wait != nil:
			o.Waited(ctx, *s.wait)
		case s.attempt != nil:
			h := http.Header{}
			actx := o.StartAttempt(ctx, admin.Attempt{Number: s.attempt.Number, Header: h})
			o.EndAttempt(actx, *s.attempt)
			headers = append(headers, h)
		}
	}
	o.EndCall(ctx, end)
	return headers
}
