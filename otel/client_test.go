package adminotel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// These tests run a real Client with the Observer against admintest.

// fastRetries keeps backoff short but lets a Retry-After of one second
// be honoured.
var fastRetries = admin.WithRetry(admin.RetryPolicy{MinWait: 5 * time.Millisecond, MaxWait: 2 * time.Second})

// newServer starts an admintest server for one test.
func newServer(t *testing.T, opts ...admintest.Option) *admintest.Server {
	t.Helper()
	srv := admintest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// events returns the wait events of a span as reason → durations.
func waitEvents(s sdktrace.ReadOnlySpan) map[string][]float64 {
	out := map[string][]float64{}
	for _, e := range s.Events() {
		if e.Name != WaitEventName {
			continue
		}
		var reason string
		var secs float64
		for _, kv := range e.Attributes {
			switch kv.Key {
			case WaitReasonKey:
				reason = kv.Value.AsString()
			case WaitDurationKey:
				secs = kv.Value.AsFloat64()
			}
		}
		out[reason] = append(out[reason], secs)
	}
	return out
}

// getAfterFaults returns a job that has the server answer its next n
// requests with a fault of kind, and reads the admin's user.
func getAfterFaults(kind admintest.FaultKind, n int) func(context.Context, *admintest.Server, *admin.Client) error {
	return func(ctx context.Context, srv *admintest.Server, c *admin.Client) error {
		srv.InjectFault(kind, n)
		_, err := c.Users.Get(ctx, srv.AdminUserID)
		return err
	}
}

func TestClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		server []admintest.Option
		client []admin.Option
		// job runs against the server and returns the error it expects
		// the last call to return, if any.
		job   func(ctx context.Context, srv *admintest.Server, c *admin.Client) error
		check func(t *testing.T, h *harness, trees []tree)
	}{
		{
			name: "retried twice",
			job:  getAfterFaults(admintest.FaultUnavailable, 2),
			check: func(t *testing.T, h *harness, trees []tree) {
				if len(trees) != 1 || len(trees[0].attempts) != 3 {
					t.Fatalf("%d calls; want 1 call of 3 attempts", len(trees))
				}
				for i, a := range trees[0].attempts {
					status, want := int64(503), "503"
					if i == 2 {
						status, want = 200, ""
					}
					resend, ok := attrOf(a, "http.request.resend_count")
					if i == 0 && ok || i > 0 && resend.AsInt64() != int64(i) {
						t.Errorf("attempt %d: http.request.resend_count %v (set: %v), want %d", i+1, resend.String(), ok, i)
					}
					if got, _ := attrOf(a, "http.response.status_code"); got.AsInt64() != status {
						t.Errorf("attempt %d: status %d, want %d", i+1, got.AsInt64(), status)
					}
					if got, _ := attrOf(a, "error.type"); got.AsString() != want {
						t.Errorf("attempt %d: error.type %q, want %q", i+1, got.AsString(), want)
					}
				}
				if w := waitEvents(trees[0].call); len(w["backoff"]) != 2 {
					t.Errorf("wait events %v, want two backoffs", w)
				}
				if got, _ := attrOf(trees[0].call, AttemptsKey); got.AsInt64() != 3 {
					t.Errorf("admin.attempts %d, want 3", got.AsInt64())
				}
			},
		},
		{
			name:   "429 with Retry-After",
			server: []admintest.Option{admintest.WithFaults(admintest.Faults{StormLength: 1, RetryAfter: 1})},
			job:    getAfterFaults(admintest.FaultRateLimitStorm, 1),
			check: func(t *testing.T, h *harness, trees []tree) {
				if len(trees) != 1 || len(trees[0].attempts) != 2 {
					t.Fatalf("%d calls; want 1 call of 2 attempts", len(trees))
				}
				if got, _ := attrOf(trees[0].attempts[0], "http.response.status_code"); got.AsInt64() != 429 {
					t.Errorf("first attempt: status %d, want 429", got.AsInt64())
				}
				w := waitEvents(trees[0].call)
				if len(w) != 1 || len(w["retry_after"]) != 1 || w["retry_after"][0] < 0.9 || w["retry_after"][0] > 1.9 {
					t.Errorf("wait events %v, want one retry_after of about 1s", w)
				}
				if n := points(t, h.collect(t), RateLimitedMetric, "{response}")[""]; n != 1 {
					t.Errorf("%s = %v, want 1", RateLimitedMetric, n)
				}
			},
		},
		{
			name:   "limiter wait",
			client: []admin.Option{admin.WithRateLimit(20, 1)}, // one request each 50ms
			job: func(ctx context.Context, srv *admintest.Server, c *admin.Client) error {
				for range 3 {
					if _, err := c.Users.Get(ctx, srv.AdminUserID); err != nil {
						return err
					}
				}
				return nil
			},
			check: func(t *testing.T, h *harness, trees []tree) {
				if len(trees) != 3 {
					t.Fatalf("%d calls, want 3", len(trees))
				}
				var waits []float64
				for _, tr := range trees {
					waits = append(waits, waitEvents(tr.call)["limiter"]...)
				}
				var total float64
				for _, w := range waits {
					total += w
				}
				// Three requests at 20/s with a burst of one wait about
				// 100ms in all.
				if len(waits) < 2 || total < 0.06 {
					t.Errorf("limiter waits %v, want at least two, 60ms or more in all", waits)
				}
			},
		},
		{
			name: "page walk",
			job: func(ctx context.Context, srv *admintest.Server, c *admin.Client) error {
				n := 0
				for _, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 5}) {
					if err != nil {
						return err
					}
					n++
				}
				if n != 13 {
					return fmt.Errorf("walked %d users, want 13", n)
				}
				return nil
			},
			server: []admintest.Option{admintest.WithSeedData(12, 0, 0)}, // and the admin: 13 users, 3 pages
			check: func(t *testing.T, h *harness, trees []tree) {
				if len(trees) != 3 {
					t.Fatalf("%d call spans, want one per page: 3", len(trees))
				}
				for _, tr := range trees {
					if tr.call.Name() != "GET /users" || len(tr.attempts) != 1 {
						t.Errorf("call %q of %d attempts, want GET /users of 1", tr.call.Name(), len(tr.attempts))
					}
				}
			},
		},
		{
			name:   "cut body, no retries",
			client: []admin.Option{admin.WithoutRetries()},
			job: func(ctx context.Context, srv *admintest.Server, c *admin.Client) error {
				if err := getAfterFaults(admintest.FaultTruncatedBody, 1)(ctx, srv, c); !errors.Is(err, admin.ErrInvalidResponse) {
					return fmt.Errorf("got %v, want an invalid response", err)
				}
				return nil
			},
			check: func(t *testing.T, h *harness, trees []tree) {
				if len(trees) != 1 || len(trees[0].attempts) != 1 {
					t.Fatalf("%d calls; want 1 call of 1 attempt", len(trees))
				}
				checkOutcome(t, trees[0].call, 200, "invalid_response")
				checkOutcome(t, trees[0].attempts[0], 200, "cut_body")
			},
		},
		{
			name: "404",
			job: func(ctx context.Context, srv *admintest.Server, c *admin.Client) error {
				_, err := c.Users.Get(ctx, "usr_missing")
				if !errors.Is(err, admin.ErrNotFound) {
					return fmt.Errorf("got %v, want not found", err)
				}
				return nil
			},
			check: func(t *testing.T, h *harness, trees []tree) {
				if len(trees) != 1 || len(trees[0].attempts) != 1 {
					t.Fatalf("%d calls; want 1 call of 1 attempt", len(trees))
				}
				for _, s := range []sdktrace.ReadOnlySpan{trees[0].call, trees[0].attempts[0]} {
					checkOutcome(t, s, 404, "404")
				}
				if got, _ := attrOf(trees[0].call, ErrorCodeKey); got.AsString() != "not_found" {
					t.Errorf("admin.error.code %q, want not_found", got.AsString())
				}
				dur := points(t, h.collect(t), CallDurationMetric, "s")
				if dur["error.type=404,http.response.status_code=404"] != 1 {
					t.Errorf("%s: %v, want one call with error.type 404", CallDurationMetric, dur)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setup(t)
			srv := newServer(t, tt.server...)
			c := srv.Client(append([]admin.Option{admin.WithObserver(h.obs), fastRetries}, tt.client...)...)
			if err := tt.job(t.Context(), srv, c); err != nil {
				t.Fatal(err)
			}
			trees := h.trees(t)
			tt.check(t, h, trees)
			checkTraceparents(t, srv, trees)
		})
	}
}

// checkTraceparents checks that each request the server saw carried the
// trace context of one attempt span, each attempt's once.
func checkTraceparents(t *testing.T, srv *admintest.Server, trees []tree) {
	t.Helper()
	attempts := map[trace.SpanID]bool{}
	for _, tr := range trees {
		for _, a := range tr.attempts {
			attempts[a.SpanContext().SpanID()] = false
		}
	}
	reqs := srv.Requests()
	if len(reqs) != len(attempts) {
		t.Errorf("the server saw %d requests, the Observer %d attempts", len(reqs), len(attempts))
	}
	for _, r := range reqs {
		sc := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), propagation.HeaderCarrier(r.Header)))
		seen, ok := attempts[sc.SpanID()]
		if !ok || seen {
			t.Errorf("%s %s: traceparent %q is no attempt's, or a repeat", r.Method, r.Path, r.Header.Get("Traceparent"))
		}
		attempts[sc.SpanID()] = true
	}
}

func TestNothingSecretRecorded(t *testing.T) {
	t.Parallel()
	h := setup(t)
	srv := newServer(t, admintest.WithSeedData(3, 0, 0))
	c := srv.Client(admin.WithObserver(h.obs), fastRetries)
	ctx := t.Context()

	const email, idemKey, query = "grace.hopper@example.com", "idem-4f9c1e77b2", "hopper"
	srv.InjectFault(admintest.FaultUnavailable, 1) // a retry of the create
	u, err := c.Users.Create(admin.WithIdempotencyKey(ctx, idemKey), &admin.CreateUserParams{
		Name: "Grace Hopper", Email: email, Role: admin.RoleViewer, SendInvitation: admin.Ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.List(ctx, &admin.ListUsersParams{Query: query, Limit: 2}); err != nil {
		t.Fatal(err)
	}
	// A conflict: the server's message names the email.
	_, err = c.Users.Create(ctx, &admin.CreateUserParams{Name: "Again", Email: email, Role: admin.RoleViewer})
	if !errors.Is(err, admin.ErrConflict) {
		t.Fatalf("second create: %v, want a conflict", err)
	}
	if _, err := c.Users.Get(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	// A 404 whose error names the path, and so the user's id.
	if err := c.Users.Delete(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Get(ctx, u.ID); !errors.Is(err, admin.ErrNotFound) || !strings.Contains(err.Error(), u.ID) {
		t.Fatalf("get after delete: %v, want a not found naming %s", err, u.ID)
	}

	forbidden := []string{srv.APIKey, email, "grace.hopper", idemKey, query, "?", u.ID, "Bearer"}
	var texts []string
	spans := h.spans.Ended()
	if len(spans) != 13 {
		t.Fatalf("%d spans, want the job's 6 calls and their 7 attempts", len(spans))
	}
	for _, s := range spans {
		texts = append(texts, s.Name(), s.Status().Description)
		texts = append(texts, kvs(s.Attributes())...)
		for _, e := range s.Events() {
			texts = append(texts, e.Name)
			texts = append(texts, kvs(e.Attributes)...)
		}
	}
	rm := h.collect(t)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			texts = append(texts, m.Name)
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					texts = append(texts, kvs(p.Attributes.ToSlice())...)
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					texts = append(texts, kvs(p.Attributes.ToSlice())...)
				}
			}
		}
	}
	for _, text := range texts {
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("recorded %q contains %q", text, f)
			}
		}
	}
}

// kvs renders attributes as "key=value" strings.
func kvs(attrs []attribute.KeyValue) []string {
	out := make([]string, 0, len(attrs))
	for _, kv := range attrs {
		out = append(out, string(kv.Key)+"="+kv.Value.String())
	}
	return out
}
