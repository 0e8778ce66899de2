package bench

import (
	"context"
	"net/http"
	"testing"

	admin "github.com/admin/api-go"
	adminotel "github.com/admin/api-go/otel"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// recordingObserver returns an adminotel Observer that records with the
// OpenTelemetry SDK, as a program exporting its telemetry would: spans
// sampled by sampler are handed to a batch processor (whose exporter
// discards them), every measurement is aggregated by the metric SDK, and
// the trace context is written into each attempt's headers.
func recordingObserver(b *testing.B, sampler sdktrace.Sampler) *adminotel.Observer {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler),
		sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return adminotel.NewObserver(adminotel.WithTracerProvider(tp), adminotel.WithMeterProvider(mp),
		adminotel.WithPropagators(propagation.TraceContext{}))
}

// BenchmarkObserver is the SDK's part of BenchmarkInMemory with its
// instrumentation off (no Observer) and on (an adminotel Observer
// recording to the OpenTelemetry SDK): what observability adds to a call.
// With obs=on every call is sampled and its spans recorded; with
// obs=unsampled the sampler drops every trace, as a ratio sampler drops
// most, so that only the metrics and the trace context are recorded.
// It runs the calls from memory, where the SDK's own cost is all there
// is, and over loopback to the server, where a call costs what it will
// cost a user (the create is left out there: its recorded body would
// create the same user again).
func BenchmarkObserver(b *testing.B) {
	srv := startServer(b, serverSpec{users: 100, groups: 40})
	for _, transport := range []string{"memory", "loopback"} {
		for _, c := range inMemoryCases(b, srv) {
			if transport == "loopback" && c.name == "create" {
				continue
			}
			for _, mode := range []string{"off", "on", "unsampled"} {
				b.Run("transport="+transport+"/call="+c.name+"/obs="+mode, func(b *testing.B) {
					t := srv.target()
					if transport == "memory" {
						t.wrap = func(http.RoundTripper) http.RoundTripper { return c.mem }
					}
					var opts []admin.Option
					switch mode {
					case "on":
						opts = append(opts, admin.WithObserver(recordingObserver(b, sdktrace.AlwaysSample())))
					case "unsampled":
						opts = append(opts, admin.WithObserver(recordingObserver(b, sdktrace.NeverSample())))
					}
					p, err := sdkPeer(t, opts...)
					if err != nil {
						b.Fatal(err)
					}
					if err := c.call(p); err != nil {
						b.Fatal(err)
					}
					b.ReportAllocs()
					cpu := cpuTime()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if err := c.call(p); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-us/op")
				})
			}
		}
	}
}
