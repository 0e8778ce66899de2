package adminotel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

var getUser = admin.CallInfo{Method: http.MethodGet, Route: "/users/{id}", BaseURL: "https://api.example.com/v1"}

func attempt(n, status int, retry admin.RetryReason, err error) step {
	return step{attempt: &admin.AttemptResult{Number: n, StatusCode: status, Duration: time.Millisecond, Retry: retry, Err: err}}
}

func wait(reason admin.WaitReason, d time.Duration, before int) step {
	return step{wait: &admin.Wait{Reason: reason, Duration: d, Attempt: before}}
}

// withRequestID returns an attempt step whose answer had X-Request-Id id.
func withRequestID(s step, id string) step {
	r := *s.attempt
	r.RequestID = id
	return step{attempt: &r}
}

// wantAttempt is what an attempt span should say; resend -1 means no
// http.request.resend_count.
type wantAttempt struct {
	resend    int
	status    int
	errType   string
	retry     string
	requestID string
}

type wantWait struct {
	reason  string
	seconds float64
	attempt int
}

func TestCallSpans(t *testing.T) {
	t.Parallel()
	notFound := &admin.Error{StatusCode: 404, Code: "not_found", Message: "no user ada@example.com", Method: "GET", Path: "/users/ada@example.com"}
	unavailable := &admin.Error{StatusCode: 503, Code: "unavailable"}
	reset := &admin.Error{Err: errors.New("read tcp: connection reset by peer")}
	tests := []struct {
		name       string
		steps      []step
		end        admin.CallResult
		wantStatus int // on the call span; 0 for none
		wantErr    string
		wantCode   string
		attempts   []wantAttempt
		waits      []wantWait
	}{
		{
			name: "retried twice",
			steps: []step{
				withRequestID(attempt(1, 503, admin.RetryStatus, unavailable), "req_a"),
				wait(admin.WaitBackoff, 100*time.Millisecond, 2),
				attempt(2, 503, admin.RetryStatus, unavailable),
				wait(admin.WaitBackoff, 200*time.Millisecond, 3),
				withRequestID(attempt(3, 200, "", nil), "req_1"),
			},
			end:        admin.CallResult{Attempts: 3, StatusCode: 200, RequestID: "req_1", Duration: 310 * time.Millisecond},
			wantStatus: 200,
			attempts: []wantAttempt{
				{resend: -1, status: 503, errType: "503", retry: "status", requestID: "req_a"},
				{resend: 1, status: 503, errType: "503", retry: "status"},
				{resend: 2, status: 200, requestID: "req_1"},
			},
			waits: []wantWait{{"backoff", 0.1, 2}, {"backoff", 0.2, 3}},
		},
		{
			name: "429 with Retry-After",
			steps: []step{
				attempt(1, 429, admin.RetryStatus, &admin.Error{StatusCode: 429, Code: "rate_limited", RetryAfter: 2 * time.Second}),
				wait(admin.WaitRetryAfter, 2*time.Second, 2),
				attempt(2, 200, "", nil),
			},
			end:        admin.CallResult{Attempts: 2, StatusCode: 200, Duration: 2 * time.Second},
			wantStatus: 200,
			attempts:   []wantAttempt{{resend: -1, status: 429, errType: "429", retry: "status"}, {resend: 1, status: 200}},
			waits:      []wantWait{{"retry_after", 2, 2}},
		},
		{
			name:       "limiter wait",
			steps:      []step{wait(admin.WaitLimiter, 250*time.Millisecond, 1), attempt(1, 200, "", nil)},
			end:        admin.CallResult{Attempts: 1, StatusCode: 200},
			wantStatus: 200,
			attempts:   []wantAttempt{{resend: -1, status: 200}},
			waits:      []wantWait{{"limiter", 0.25, 1}},
		},
		{
			name:       "a short backoff is a wait",
			steps:      []step{attempt(1, 503, admin.RetryStatus, unavailable), wait(admin.WaitBackoff, 200*time.Microsecond, 2), attempt(2, 200, "", nil)},
			end:        admin.CallResult{Attempts: 2, StatusCode: 200},
			wantStatus: 200,
			attempts:   []wantAttempt{{resend: -1, status: 503, errType: "503", retry: "status"}, {resend: 1, status: 200}},
			waits:      []wantWait{{"backoff", 0.0002, 2}},
		},
		{
			name:       "a limiter's pass is no wait",
			steps:      []step{wait(admin.WaitLimiter, 0, 1), wait(admin.WaitLimiter, 5*time.Microsecond, 1), attempt(1, 200, "", nil)},
			end:        admin.CallResult{Attempts: 1, StatusCode: 200},
			wantStatus: 200,
			attempts:   []wantAttempt{{resend: -1, status: 200}},
		},
		{
			name:       "404",
			steps:      []step{attempt(1, 404, "", notFound)},
			end:        admin.CallResult{Attempts: 1, StatusCode: 404, Err: notFound},
			wantStatus: 404,
			wantErr:    "404",
			wantCode:   "not_found",
			attempts:   []wantAttempt{{resend: -1, status: 404, errType: "404"}},
		},
		{
			name: "transport failure, then success",
			steps: []step{
				attempt(1, 0, admin.RetryTransport, reset),
				wait(admin.WaitBackoff, 50*time.Millisecond, 2),
				attempt(2, 200, "", nil),
			},
			end:        admin.CallResult{Attempts: 2, StatusCode: 200},
			wantStatus: 200,
			attempts:   []wantAttempt{{resend: -1, errType: "transport", retry: "transport"}, {resend: 1, status: 200}},
			waits:      []wantWait{{"backoff", 0.05, 2}},
		},
		{
			name:     "deadline",
			steps:    []step{attempt(1, 0, "", &admin.Error{Err: context.DeadlineExceeded})},
			end:      admin.CallResult{Attempts: 1, Err: &admin.Error{Err: context.DeadlineExceeded}},
			wantErr:  "timeout",
			attempts: []wantAttempt{{resend: -1, errType: "timeout"}},
		},
		{
			name: "cut body, then success",
			steps: []step{
				attempt(1, 200, admin.RetryCutBody, errors.New("body cut short")),
				attempt(2, 200, "", nil),
			},
			end:        admin.CallResult{Attempts: 2, StatusCode: 200},
			wantStatus: 200,
			attempts:   []wantAttempt{{resend: -1, status: 200, errType: "cut_body", retry: "cut_body"}, {resend: 1, status: 200}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setup(t)
			drive(h.obs, context.Background(), getUser, tt.steps, tt.end)
			trees := h.trees(t)
			if len(trees) != 1 {
				t.Fatalf("%d call spans, want 1", len(trees))
			}
			call := trees[0].call
			if call.Name() != "GET /users/{id}" {
				t.Errorf("call span name %q, want %q", call.Name(), "GET /users/{id}")
			}
			checkRoute(t, call)
			checkOutcome(t, call, tt.wantStatus, tt.wantErr)
			if got, _ := attrOf(call, AttemptsKey); got.AsInt64() != int64(tt.end.Attempts) {
				t.Errorf("call span admin.attempts = %v, want %d", got.String(), tt.end.Attempts)
			}
			if got, _ := attrOf(call, ErrorCodeKey); got.AsString() != tt.wantCode {
				t.Errorf("call span admin.error.code = %q, want %q", got.AsString(), tt.wantCode)
			}
			if got, _ := attrOf(call, RequestIDKey); got.AsString() != tt.end.RequestID {
				t.Errorf("call span admin.request_id = %q, want %q", got.AsString(), tt.end.RequestID)
			}

			if len(trees[0].attempts) != len(tt.attempts) {
				t.Fatalf("%d attempt spans, want %d", len(trees[0].attempts), len(tt.attempts))
			}
			for i, w := range tt.attempts {
				a := trees[0].attempts[i]
				if a.SpanKind() != trace.SpanKindClient || a.Name() != call.Name() {
					t.Errorf("attempt %d: %s span %q, want a client span %q", i+1, a.SpanKind(), a.Name(), call.Name())
				}
				checkRoute(t, a)
				checkOutcome(t, a, w.status, w.errType)
				resend, ok := attrOf(a, "http.request.resend_count")
				if w.resend < 0 && ok {
					t.Errorf("attempt %d: http.request.resend_count = %d on the first attempt", i+1, resend.AsInt64())
				} else if w.resend >= 0 && resend.AsInt64() != int64(w.resend) {
					t.Errorf("attempt %d: http.request.resend_count = %v, want %d", i+1, resend.String(), w.resend)
				}
				if got, _ := attrOf(a, RetryReasonKey); got.AsString() != w.retry {
					t.Errorf("attempt %d: admin.retry.reason = %q, want %q", i+1, got.AsString(), w.retry)
				}
				if got, ok := attrOf(a, RequestIDKey); got.AsString() != w.requestID || ok != (w.requestID != "") {
					t.Errorf("attempt %d: admin.request_id = %q (%v), want %q", i+1, got.AsString(), ok, w.requestID)
				}
			}
			checkWaits(t, call, tt.waits)
		})
	}
}

// checkRoute checks the attributes every span of getUser carries.
func checkRoute(t *testing.T, s sdktrace.ReadOnlySpan) {
	t.Helper()
	want := map[attribute.Key]any{
		"http.request.method": "GET",
		"url.template":        "/users/{id}",
		"server.address":      "api.example.com",
		"server.port":         int64(443),
	}
	for k, v := range want {
		got, ok := attrOf(s, k)
		if !ok || got.AsInterface() != v {
			t.Errorf("span %q: %s = %v, want %v", s.Name(), k, got.AsInterface(), v)
		}
	}
}

// checkOutcome checks a span's status code, error.type and status.
func checkOutcome(t *testing.T, s sdktrace.ReadOnlySpan, status int, errType string) {
	t.Helper()
	got, ok := attrOf(s, "http.response.status_code")
	if status == 0 && ok || status != 0 && got.AsInt64() != int64(status) {
		t.Errorf("span %s: http.response.status_code = %v, want %d", s.Name(), got.String(), status)
	}
	et, _ := attrOf(s, "error.type")
	if et.AsString() != errType {
		t.Errorf("span %s: error.type = %q, want %q", s.Name(), et.AsString(), errType)
	}
	if wantErr := errType != ""; (s.Status().Code == codes.Error) != wantErr {
		t.Errorf("span %s: status %v, want an error: %v", s.Name(), s.Status(), wantErr)
	}
}

// checkWaits checks the wait events of a call span.
func checkWaits(t *testing.T, call sdktrace.ReadOnlySpan, want []wantWait) {
	t.Helper()
	var got []wantWait
	for _, e := range call.Events() {
		if e.Name != WaitEventName {
			continue
		}
		var w wantWait
		for _, kv := range e.Attributes {
			switch kv.Key {
			case WaitReasonKey:
				w.reason = kv.Value.AsString()
			case WaitDurationKey:
				w.seconds = kv.Value.AsFloat64()
			case WaitAttemptKey:
				w.attempt = int(kv.Value.AsInt64())
			}
		}
		got = append(got, w)
	}
	if !slices.Equal(got, want) {
		t.Errorf("wait events %+v, want %+v", got, want)
	}
}

func TestTraceContextOnEveryAttempt(t *testing.T) {
	t.Parallel()
	h := setup(t)
	headers := drive(h.obs, context.Background(), getUser, []step{
		attempt(1, 503, admin.RetryStatus, nil),
		attempt(2, 503, admin.RetryStatus, nil),
		attempt(3, 200, "", nil),
	}, admin.CallResult{Attempts: 3, StatusCode: 200})
	trees := h.trees(t)
	if len(trees) != 1 || len(trees[0].attempts) != 3 || len(headers) != 3 {
		t.Fatalf("%d calls, %d headers; want 1 call of 3 attempts", len(trees), len(headers))
	}
	for i, hdr := range headers {
		// The server's span must hang below the attempt's, not the call's.
		sc := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), propagation.HeaderCarrier(hdr)))
		want := trees[0].attempts[i].SpanContext()
		if !sc.IsValid() || sc.TraceID() != want.TraceID() || sc.SpanID() != want.SpanID() {
			t.Errorf("attempt %d: traceparent %q, want the attempt span %s/%s", i+1, hdr.Get("traceparent"), want.TraceID(), want.SpanID())
		}
	}
}

func TestCallSpanIsChildOfCaller(t *testing.T) {
	t.Parallel()
	h := setup(t)
	ctx, parent := h.obs.tracer.Start(context.Background(), "sync job")
	drive(h.obs, ctx, getUser, []step{attempt(1, 200, "", nil)}, admin.CallResult{Attempts: 1, StatusCode: 200})
	parent.End()
	trees := h.trees(t)
	if len(trees) != 2 { // the job's own span is internal too
		t.Fatalf("%d internal spans, want 2", len(trees))
	}
	call := trees[0].call
	if call.Name() != "GET /users/{id}" {
		call = trees[1].call
	}
	if call.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("call span's parent %s, want the caller's span %s", call.Parent().SpanID(), parent.SpanContext().SpanID())
	}
}

func TestSpanNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, route   string
		name, semMethod string
		original        string // http.request.method_original; "" for none
	}{
		{"GET", "/users/{id}", "GET /users/{id}", "GET", ""},
		{"DELETE", "/groups/{id}/members/{user_id}", "DELETE /groups/{id}/members/{user_id}", "DELETE", ""},
		{"PURGE", "/cache", "HTTP /cache", "_OTHER", "PURGE"},
		{"get", "/users", "HTTP /users", "_OTHER", "get"},
		{"GET", "", "GET", "GET", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.route, func(t *testing.T) {
			t.Parallel()
			h := setup(t)
			info := admin.CallInfo{Method: tt.method, Route: tt.route, BaseURL: "https://api.example.com/v1"}
			drive(h.obs, context.Background(), info, []step{attempt(1, 200, "", nil)}, admin.CallResult{Attempts: 1, StatusCode: 200})
			trees := h.trees(t)
			if len(trees) != 1 || len(trees[0].attempts) != 1 {
				t.Fatalf("%d calls, want 1 of 1 attempt", len(trees))
			}
			for _, s := range []sdktrace.ReadOnlySpan{trees[0].call, trees[0].attempts[0]} {
				m, _ := attrOf(s, "http.request.method")
				orig, _ := attrOf(s, "http.request.method_original")
				if s.Name() != tt.name || m.AsString() != tt.semMethod || orig.AsString() != tt.original {
					t.Errorf("%s span %q, method %q, original %q; want %q, %q, %q",
						s.SpanKind(), s.Name(), m.AsString(), orig.AsString(), tt.name, tt.semMethod, tt.original)
				}
			}
		})
	}
}

func TestServerAttrs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base string
		want string
	}{
		{"https://api.example.com/v1", "api.example.com:443"},
		{"http://127.0.0.1:8080/", "127.0.0.1:8080"},
		{"http://[::1]:9000", "::1:9000"},
		{"http://admin.internal", "admin.internal:80"},
		{"https://user:hunter2@api.example.com/v1?token=abc", "api.example.com:443"},
		{"unix:///tmp/sock", ""},
		{"::bad", ""},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			t.Parallel()
			var got string
			for _, kv := range serverAttrs(tt.base) {
				if got != "" {
					got += ":"
				}
				got += kv.Value.String()
			}
			if got != tt.want {
				t.Errorf("serverAttrs(%q) = %q, want %q", tt.base, got, tt.want)
			}
		})
	}
}

func TestErrorType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&admin.Error{StatusCode: 404, Code: "not_found"}, "404"},
		{fmt.Errorf("sync: %w", &admin.Error{StatusCode: 503}), "503"},
		{&admin.Error{Err: context.DeadlineExceeded}, "timeout"},
		{&admin.Error{Err: context.Canceled}, "canceled"},
		{&admin.Error{Err: errors.New("dial tcp: connection refused")}, "transport"},
		{&admin.Error{Err: timeoutError{}}, "timeout"},
		{&admin.ParamError{Field: "email", Reason: "required"}, "invalid_params"},
		{context.Canceled, "canceled"},
		{errors.New("something else"), "_OTHER"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			t.Parallel()
			if got := errorType(tt.err); got != tt.want {
				t.Errorf("errorType(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

// timeoutError is a net.Error that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestAttemptOfUnsampledCall checks that an attempt a sampler records
// although its call is not recorded carries its route and resend count,
// which it is started without.
func TestAttemptOfUnsampledCall(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(clientSpansOnly{}), sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	o := NewObserver(WithTracerProvider(tp), WithPropagators(propagation.TraceContext{}))
	drive(o, context.Background(), getUser, []step{
		attempt(1, 503, admin.RetryStatus, nil),
		attempt(2, 200, "", nil),
	}, admin.CallResult{Attempts: 2, StatusCode: 200})
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans recorded, want the 2 attempts", len(spans))
	}
	for i, a := range spans {
		checkRoute(t, a)
		checkOutcome(t, a, []int{503, 200}[i], []string{"503", ""}[i])
		resend, ok := attrOf(a, "http.request.resend_count")
		if ok != (i > 0) || ok && resend.AsInt64() != int64(i) {
			t.Errorf("attempt %d: http.request.resend_count %v (%v)", i+1, resend.String(), ok)
		}
	}
}

// clientSpansOnly samples client spans, whatever their parent.
type clientSpansOnly struct{}

func (clientSpansOnly) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	if p.Kind == trace.SpanKindClient {
		return sdktrace.SamplingResult{Decision: sdktrace.RecordAndSample}
	}
	return sdktrace.SamplingResult{Decision: sdktrace.Drop}
}

func (clientSpansOnly) Description() string { return "clientSpansOnly" }
