package adminotel

import (
	"context"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// points returns the data points of the metric named name, as a map from
// the rendered attribute set ("k=v,k=v") to a count (histograms) or a
// value (sums, gauges). It fails t if the metric has a wrong unit.
func points(t *testing.T, rm metricdata.ResourceMetrics, name, unit string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			if m.Unit != unit {
				t.Errorf("%s: unit %q, want %q", name, m.Unit, unit)
			}
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[render(p.Attributes, "url.template", "http.request.method", "server.address", "server.port")] += float64(p.Count)
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[render(p.Attributes, "url.template", "http.request.method", "server.address", "server.port")] += float64(p.Value)
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out[render(p.Attributes)] = float64(p.Value)
				}
			default:
				t.Fatalf("%s: unexpected data %T", name, m.Data)
			}
		}
	}
	return out
}

// render writes an attribute set as "k=v,k=v" in key order, leaving out
// the keys in skip.
func render(set attribute.Set, skip ...attribute.Key) string {
	var s string
	for _, kv := range set.ToSlice() {
		skipped := false
		for _, k := range skip {
			skipped = skipped || kv.Key == k
		}
		if skipped {
			continue
		}
		if s != "" {
			s += ","
		}
		s += string(kv.Key) + "=" + kv.Value.String()
	}
	return s
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	h := setup(t)
	unavailable := &admin.Error{StatusCode: 503}
	drive(h.obs, context.Background(), getUser, []step{
		wait(admin.WaitLimiter, 30*time.Millisecond, 1),
		attempt(1, 429, admin.RetryStatus, &admin.Error{StatusCode: 429}),
		wait(admin.WaitRetryAfter, time.Second, 2),
		attempt(2, 503, admin.RetryStatus, unavailable),
		wait(admin.WaitBackoff, 100*time.Millisecond, 3),
		attempt(3, 503, "", unavailable),
	}, admin.CallResult{Attempts: 3, StatusCode: 503, Err: unavailable, Duration: 1200 * time.Millisecond})
	rm := h.collect(t)

	tests := []struct {
		metric, unit string
		want         map[string]float64
	}{
		{"http.client.request.duration", "s", map[string]float64{
			"error.type=429,http.response.status_code=429": 1,
			"error.type=503,http.response.status_code=503": 2,
		}},
		{CallDurationMetric, "s", map[string]float64{"error.type=503,http.response.status_code=503": 1}},
		{RetriesMetric, "{retry}", map[string]float64{"admin.retry.reason=status": 2}},
		{RateLimitedMetric, "{response}", map[string]float64{"": 1}},
		{WaitDurationMetric, "s", map[string]float64{
			"admin.wait.reason=limiter": 1, "admin.wait.reason=retry_after": 1, "admin.wait.reason=backoff": 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			t.Parallel()
			got := points(t, rm, tt.metric, tt.unit)
			if len(got) != len(tt.want) {
				t.Errorf("%s: %v, want %v", tt.metric, got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s{%s} = %v, want %v (all: %v)", tt.metric, k, got[k], v, got)
				}
			}
		})
	}
}

func TestMetricsCarryTheRoute(t *testing.T) {
	t.Parallel()
	h := setup(t)
	drive(h.obs, context.Background(), getUser, []step{attempt(1, 200, "", nil)}, admin.CallResult{Attempts: 1, StatusCode: 200})
	rm := h.collect(t)
	for _, name := range []string{"http.client.request.duration", CallDurationMetric} {
		var found bool
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if m.Name != name {
					continue
				}
				p := m.Data.(metricdata.Histogram[float64]).DataPoints[0]
				found = true
				want := "http.request.method=GET,http.response.status_code=200,server.address=api.example.com,server.port=443,url.template=/users/{id}"
				if got := render(p.Attributes); got != want {
					t.Errorf("%s attributes %s, want %s", name, got, want)
				}
				if len(p.Bounds) != len(durationBuckets) || p.Bounds[0] != 0.005 || p.Bounds[len(p.Bounds)-1] != 10 {
					t.Errorf("%s buckets %v, want the semantic conventions' %v", name, p.Bounds, durationBuckets)
				}
			}
		}
		if !found {
			t.Errorf("no %s", name)
		}
	}
}

func TestObserveRateLimit(t *testing.T) {
	t.Parallel()
	srv := admintest.NewServer(admintest.WithRateLimit(600))
	t.Cleanup(srv.Close)
	tests := []struct {
		name  string
		calls int
	}{
		{"before any answer", 0},
		{"after two calls", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setup(t)
			c := srv.Client(admin.WithoutRateLimit())
			reg, err := h.obs.ObserveRateLimit(c)
			if err != nil {
				t.Fatal(err)
			}
			for range tt.calls {
				if _, err := c.Users.List(context.Background(), &admin.ListUsersParams{Limit: 1}); err != nil {
					t.Fatal(err)
				}
			}
			rl, ok := c.RateLimit()
			if ok != (tt.calls > 0) {
				t.Fatalf("RateLimit ok = %v after %d calls", ok, tt.calls)
			}
			checkBudget(t, h, srv.URL, rl, ok)
			if err := reg.Unregister(); err != nil {
				t.Fatal(err)
			}
			if after := points(t, h.collect(t), RateLimitRemainingMetric, "{request}"); len(after) != 0 {
				t.Errorf("after Unregister: %v", after)
			}
		})
	}
}

// checkBudget checks that the rate-limit gauges report rl, a budget of
// 600 requests a minute partly spent, for the server at base, if want,
// and that they report nothing otherwise.
func checkBudget(t *testing.T, h *harness, base string, rl admin.RateLimit, want bool) {
	t.Helper()
	at := map[string]float64{}
	if want {
		at["server.address=127.0.0.1,server.port="+port(t, base)] = 0
	}
	rm := h.collect(t)
	remaining := points(t, rm, RateLimitRemainingMetric, "{request}")
	limit := points(t, rm, RateLimitLimitMetric, "{request}")
	if len(remaining) != len(at) || len(limit) != len(at) {
		t.Fatalf("gauges remaining %v, limit %v; want points at %v", remaining, limit, at)
	}
	for k := range at {
		if remaining[k] != float64(rl.Remaining) || limit[k] != 600 || rl.Limit != 600 || rl.Remaining >= 600 {
			t.Errorf("gauges remaining %v, limit %v; want %d of %d at %s", remaining, limit, rl.Remaining, rl.Limit, k)
		}
	}
}

// port returns the port of a URL such as http://127.0.0.1:1234/v1.
func port(t *testing.T, u string) string {
	t.Helper()
	for _, kv := range serverAttrs(u) {
		if kv.Key == "server.port" {
			return kv.Value.String()
		}
	}
	t.Fatalf("no port in %s", u)
	return ""
}

func TestObserveRateLimitNil(t *testing.T) {
	t.Parallel()
	if _, err := setup(t).obs.ObserveRateLimit(nil); err == nil {
		t.Error("ObserveRateLimit(nil): no error")
	}
}

// TestBudgetFromAnswers checks that the Observer reports the rate budget
// of the servers whose answers it sees, from each attempt's, without
// ObserveRateLimit, and that ObserveRateLimit beside it reports the same.
func TestBudgetFromAnswers(t *testing.T) {
	t.Parallel()
	srv := admintest.NewServer(admintest.WithRateLimit(600))
	t.Cleanup(srv.Close)
	tests := []struct {
		name        string
		calls       int
		observeToo  bool
		wantReports bool
	}{
		{"before any answer", 0, false, false},
		{"after two calls", 2, false, true},
		{"after two calls, with ObserveRateLimit", 2, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setup(t)
			c := srv.Client(admin.WithoutRateLimit(), admin.WithObserver(h.obs))
			if tt.observeToo {
				reg, err := h.obs.ObserveRateLimit(c)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = reg.Unregister() })
			}
			for range tt.calls {
				if _, err := c.Users.List(context.Background(), &admin.ListUsersParams{Limit: 1}); err != nil {
					t.Fatal(err)
				}
			}
			rl, _ := c.RateLimit()
			checkBudget(t, h, srv.URL, rl, tt.wantReports)
		})
	}
}
