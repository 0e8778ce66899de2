package admintest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFaultKinds forces each kind on one POST /users and checks what the client
// sees, what the server holds afterwards, and that it still works.
func TestFaultKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind        admintest.FaultKind
		wantErr     bool   // the client sees a transport error
		wantStatus  int    // else this status
		wantType    string // Content-Type prefix
		wantRetry   string // Retry-After
		wantCreated bool   // the change was committed
		check       func(t *testing.T, r response)
	}{
		{kind: admintest.FaultInternalError, wantStatus: 500, wantType: "application/json", check: wantCode("internal_error")},
		{kind: admintest.FaultBadGateway, wantStatus: 502, wantType: "application/json", check: wantCode("unavailable")},
		{kind: admintest.FaultUnavailable, wantStatus: 503, wantType: "application/json", check: wantCode("unavailable")},
		{kind: admintest.FaultUnavailableRetryAfter, wantStatus: 503, wantType: "application/json", wantRetry: "1", check: wantCode("unavailable")},
		{kind: admintest.FaultRateLimitStorm, wantStatus: 429, wantType: "application/json", wantRetry: "1", check: wantCode("rate_limited")},
		{kind: admintest.FaultHTMLError, wantStatus: 502, wantType: "text/html", check: func(t *testing.T, r response) {
			assert.Contains(t, string(r.Body), "<h1>502 Bad Gateway</h1>")
		}},
		{kind: admintest.FaultResetBeforeHandler, wantErr: true},
		{kind: admintest.FaultResetAfterCommit, wantErr: true, wantCreated: true},
		{kind: admintest.FaultTruncatedBody, wantStatus: 201, wantType: "application/json", wantCreated: true, check: func(t *testing.T, r response) {
			assert.False(t, json.Valid(r.Body), "body: %s", r.Body)
			assert.Equal(t, strconv.Itoa(len(r.Body)), r.Header.Get("Content-Length"))
			assert.NotEmpty(t, r.Body)
		}},
		{kind: admintest.FaultLatency, wantStatus: 201, wantType: "application/json", wantCreated: true, check: func(t *testing.T, r response) {
			var u user
			r.decode(t, &u)
			assert.Equal(t, "ann@example.com", u.Email)
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			opt := admintest.WithFaults(admintest.Faults{Latency: 30 * time.Millisecond})
			srv := setup(t, opt)
			if tt.kind == admintest.FaultTruncatedBody {
				srv = setupUnchecked(t, opt) // its body breaks the contract on purpose
			}
			before := len(srv.Users())
			srv.InjectFault(tt.kind, 1)
			start := time.Now()
			r, err := roundTrip(srv, request{method: "POST", path: "/users", key: srv.APIKey,
				body: map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"}})
			if tt.kind == admintest.FaultLatency {
				assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
			}
			if tt.wantErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.wantStatus, r.Status)
				assert.Contains(t, r.Header.Get("Content-Type"), tt.wantType)
				assert.Equal(t, tt.wantRetry, r.Header.Get("Retry-After"))
				assert.NotEmpty(t, r.Header.Get("X-Request-Id"))
				tt.check(t, r)
			}

			// The store holds the change exactly once or not at all, and the log agrees.
			_, created := srv.UserByEmail("ann@example.com")
			assert.Equal(t, tt.wantCreated, created)
			wantUsers, wantEvents := before, 0
			if tt.wantCreated {
				wantUsers, wantEvents = before+1, 1
			}
			assert.Len(t, srv.Users(), wantUsers)
			assert.Len(t, srv.AuditLog(), wantEvents)
			assert.Equal(t, map[admintest.FaultKind]int{tt.kind: 1}, srv.FaultCounts())
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, tt.kind, reqs[0].Fault)
			if tt.wantErr {
				assert.Zero(t, reqs[0].Status)
			}

			// The server works normally afterwards.
			r = send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey,
				body: map[string]any{"name": "Bob", "email": "bob@example.com", "role": "viewer"}})
			assert.Equal(t, 201, r.Status)
		})
	}
}

func wantCode(code string) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		assert.Equal(t, code, r.apiError(t).Error.Code)
	}
}

// TestFaultResetAfterCommitThenRetry shows the client's way out of a lost
// answer: the retry with the same Idempotency-Key gets the stored answer.
func TestFaultResetAfterCommitThenRetry(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	srv.InjectFault(admintest.FaultResetAfterCommit, 1)
	req := request{method: "POST", path: "/users", key: srv.APIKey, header: map[string]string{"Idempotency-Key": "retry-me"},
		body: map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"}}
	_, err := roundTrip(srv, req)
	require.Error(t, err)
	r := send(t, srv, req)
	require.Equal(t, 201, r.Status)
	assert.Equal(t, "true", r.Header.Get("Idempotent-Replayed"))
	var u user
	r.decode(t, &u)
	got, ok := srv.UserByEmail("ann@example.com")
	require.True(t, ok)
	assert.Equal(t, got.ID, u.ID)
	assert.Len(t, srv.AuditLog(), 1)
}

func TestFaultTruncatedBodylessAnswer(t *testing.T) {
	t.Parallel()
	srv := setupUnchecked(t) // the truncated answer breaks the contract on purpose
	u := createUser(t, srv, "Ann", "ann@example.com")
	srv.InjectFault(admintest.FaultTruncatedBody, 1)
	r := send(t, srv, request{method: "DELETE", path: "/users/" + u.ID, key: srv.APIKey})
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, `{"`, string(r.Body))
	_, ok := srv.User(u.ID)
	assert.False(t, ok, "the delete ran")
}

func TestFaultRateLimitStormLength(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithFaults(admintest.Faults{Rate: 0.3, Kinds: []admintest.FaultKind{admintest.FaultRateLimitStorm}, StormLength: 3, Seed: 7}))
	var statuses []int
	for range 40 {
		statuses = append(statuses, send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey}).Status)
	}
	run, runs := 0, 0
	for i, s := range statuses {
		if s == 429 {
			run++
			continue
		}
		require.Equal(t, 200, s)
		if run > 0 {
			assert.Zero(t, run%3, "storms come in bursts of 3 (statuses %v, at %d)", statuses, i)
			runs++
		}
		run = 0
	}
	assert.Positive(t, runs)
}

func TestFaultSeedReplays(t *testing.T) {
	t.Parallel()
	faults := admintest.Faults{Rate: 0.5, Seed: 42, Kinds: []admintest.FaultKind{admintest.FaultInternalError, admintest.FaultUnavailable, admintest.FaultHTMLError}}
	run := func() []int {
		srv := setup(t, admintest.WithFaults(faults))
		require.Equal(t, int64(42), srv.FaultSeed())
		var out []int
		for range 30 {
			out = append(out, send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey}).Status)
		}
		return out
	}
	first := run()
	assert.Equal(t, first, run())
	assert.Contains(t, first, 200)
	assert.Contains(t, first, 500)
}

func TestFaultsRandomNeverCorruptStore(t *testing.T) {
	t.Parallel()
	srv := setupUnchecked(t, admintest.WithFaults(admintest.Faults{Rate: 0.7, Seed: 3, Latency: time.Millisecond}))
	committed := 0
	for i := range 60 {
		email := fmt.Sprintf("u%d@example.com", i)
		_, _ = roundTrip(srv, request{method: "POST", path: "/users", key: srv.APIKey,
			body: map[string]any{"name": "U", "email": email, "role": "viewer"}})
		if _, ok := srv.UserByEmail(email); ok {
			committed++
		}
	}
	assert.Len(t, srv.Users(), committed+1)
	assert.Len(t, srv.AuditLog(), committed)
	total := 0
	for _, n := range srv.FaultCounts() {
		total += n
	}
	assert.Positive(t, total)
	assert.Less(t, total, 60)
}

func TestFaultsSpareOAuthAndHonourMatch(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithFaults(admintest.Faults{Rate: 1, Kinds: []admintest.FaultKind{admintest.FaultInternalError},
		Match: func(r *http.Request) bool { return r.Method != http.MethodGet }}))
	c := srv.NewOAuthClient("viewer")
	tok := fetchToken(t, srv, c) // not faulted: OAuth is off
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: tok}).Status, "Match spares GETs")
	assert.Equal(t, 500, send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, body: "{}"}).Status)

	srv2 := setup(t, admintest.WithFaults(admintest.Faults{OAuth: true}))
	srv2.InjectFault(admintest.FaultUnavailable, 1)
	c2 := srv2.NewOAuthClient("viewer")
	r := postForm(t, srv2, map[string][]string{"grant_type": {"client_credentials"}, "client_id": {c2.ID}, "client_secret": {c2.Secret}}, "", "")
	assert.Equal(t, 503, r.Status)
	fetchToken(t, srv2, c2)
}

func TestParseFaultKinds(t *testing.T) {
	t.Parallel()
	kinds, err := admintest.ParseFaultKinds("internal_error, latency")
	require.NoError(t, err)
	assert.Equal(t, []admintest.FaultKind{admintest.FaultInternalError, admintest.FaultLatency}, kinds)
	kinds, err = admintest.ParseFaultKinds("all")
	require.NoError(t, err)
	assert.Equal(t, admintest.AllFaultKinds(), kinds)
	_, err = admintest.ParseFaultKinds("meteor")
	assert.Error(t, err)
}
