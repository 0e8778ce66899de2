package adminotel

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// BenchmarkCall is the Observer's own cost for a call of one attempt,
// recording to the OpenTelemetry SDK, with the call's trace sampled and
// not. bench/ measures it inside a call.
func BenchmarkCall(b *testing.B) {
	for _, sampled := range []bool{true, false} {
		sampler := sdktrace.AlwaysSample()
		if !sampled {
			sampler = sdktrace.NeverSample()
		}
		b.Run(fmt.Sprintf("sampled=%t", sampled), func(b *testing.B) { benchmarkCall(b, sampler) })
	}
}

func benchmarkCall(b *testing.B, sampler sdktrace.Sampler) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	o := NewObserver(WithTracerProvider(tp), WithMeterProvider(mp), WithPropagators(propagation.TraceContext{}))
	ctx := context.Background()
	header := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		cctx := o.StartCall(ctx, getUser)
		actx := o.StartAttempt(cctx, admin.Attempt{Number: 1, Header: header})
		o.EndAttempt(actx, admin.AttemptResult{Number: 1, StatusCode: 200, Duration: time.Millisecond})
		o.EndCall(cctx, admin.CallResult{Attempts: 1, StatusCode: 200, RequestID: "req_1", Duration: time.Millisecond})
	}
}
