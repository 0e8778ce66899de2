package admin_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"0", 0, true},
		{"Wed, 21 Oct 2015 07:28:30 GMT", 30 * time.Second, true},     // IMF-fixdate
		{"Wednesday, 21-Oct-15 07:29:00 GMT", time.Minute, true},      // RFC 850
		{"Wed Oct 21 07:30:00 2015", 2 * time.Minute, true},           // asctime
		{"Wed, 21 Oct 2015 07:00:00 GMT", 0, true},                    // in the past
		{"99999999999999999999", 0, false},                            // overflows int64
		{"9223372036", time.Duration(9223372036) * time.Second, true}, // the largest that fits
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"5s", 0, false},
		{"soon", 0, false},
		{"Wed, 21 Oct 2015", 0, false},
	}
	for _, tt := range tests {
		got, ok := admin.ParseRetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
	d, ok := admin.ParseRetryAfter("9999999999999", now)
	assert.True(t, ok)
	assert.Positive(t, d, "a huge value saturates rather than overflowing")
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := admin.RetryPolicy{MaxRetries: 50, MinWait: 100 * time.Millisecond, MaxWait: 5 * time.Second}
	for attempt := range 70 {
		ceil := p.MaxWait
		if attempt < 6 {
			ceil = p.MinWait << attempt
		}
		for range 200 {
			d := admin.Backoff(p, attempt)
			require.GreaterOrEqual(t, d, time.Duration(0), "attempt %d", attempt)
			require.Less(t, d, ceil, "attempt %d", attempt)
		}
	}
	// Jitter: the waits are spread, not all equal.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[admin.Backoff(p, 3)] = true
	}
	assert.Greater(t, len(seen), 10)
	// A large MinWait must not overflow into a short wait.
	big := admin.RetryPolicy{MinWait: 30 * time.Second, MaxWait: time.Hour}
	for attempt := range 64 {
		ceil := time.Hour
		if attempt < 7 {
			ceil = min(30*time.Second<<attempt, time.Hour)
		}
		var most time.Duration
		for range 200 {
			d := admin.Backoff(big, attempt)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.Less(t, d, ceil, "attempt %d", attempt)
			most = max(most, d)
		}
		assert.Greater(t, most, ceil/4, "attempt %d: the ceiling is %v", attempt, ceil)
	}
	// 2^33+1 ns shifted by 31 wraps around int64 to 2^31 ns (2s).
	odd := admin.RetryPolicy{MinWait: 1<<33 + 1, MaxWait: time.Hour}
	var most time.Duration
	for range 200 {
		most = max(most, admin.Backoff(odd, 31))
	}
	assert.Greater(t, most, 15*time.Minute, "an overflowing shift must cap at MaxWait")
	assert.Zero(t, admin.Backoff(admin.RetryPolicy{}, 3))
}

func TestCheckRedirect(t *testing.T) {
	t.Parallel()
	req := func(u string) *http.Request {
		pu, err := url.Parse(u)
		require.NoError(t, err)
		return &http.Request{URL: pu}
	}
	first := req("https://api.admin.com/v1/users")
	assert.NoError(t, admin.CheckRedirect(req("https://api.admin.com/v1/users/"), []*http.Request{first}))
	assert.Error(t, admin.CheckRedirect(req("http://api.admin.com/v1/users/"), []*http.Request{first}), "downgrade")
	assert.Error(t, admin.CheckRedirect(req("https://other.admin.com/v1/users/"), []*http.Request{first}), "other host")
	assert.Error(t, admin.CheckRedirect(req("https://api.admin.com:8443/v1/users/"), []*http.Request{first}), "other port")
	plain := req("http://127.0.0.1:8080/v1/users")
	assert.NoError(t, admin.CheckRedirect(req("http://127.0.0.1:8080/v1/x"), []*http.Request{plain}))
	via := make([]*http.Request, 10)
	for i := range via {
		via[i] = first
	}
	assert.Error(t, admin.CheckRedirect(req("https://api.admin.com/v1/users/"), via), "loop")
}

func TestRedirectToAnotherHost(t *testing.T) {
	t.Parallel()
	var bHits atomic.Int32
	b, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		bHits.Add(1)
		assert.Empty(t, r.Header.Get("Authorization"), "a credential reached another host")
		writeJSON(w, 200, testUser("usr_1"))
	})
	for _, code := range []int{301, 302, 307, 308} {
		_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, b.URL+r.URL.Path, code)
		})
		_, err := c.Users.Get(context.Background(), "usr_1")
		var e *admin.Error
		require.ErrorAs(t, err, &e, code)
		assert.Equal(t, 1, e.Attempts, "a refused redirect is not retried")
		assert.Contains(t, err.Error(), "another host")
		assert.False(t, e.Temporary())
		assert.NotContains(t, err.Error(), testKey)

		err = c.Users.Delete(context.Background(), "usr_1")
		require.ErrorAs(t, err, &e, code)
		assert.False(t, e.PossiblyApplied, "the server answered with a redirect; nothing was applied")
	}
	assert.Zero(t, bHits.Load())
}

func TestRedirectSameHostFollowed(t *testing.T) {
	t.Parallel()
	auths := make(chan string, 2)
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/users/old" {
			http.Redirect(w, r, "/v1/users/new", http.StatusTemporaryRedirect)
			return
		}
		auths <- r.Header.Get("Authorization")
		writeJSON(w, 200, testUser("new"))
	})
	u, err := c.Users.Get(context.Background(), "old")
	require.NoError(t, err)
	assert.Equal(t, "new", u.ID)
	assert.Equal(t, "Bearer "+testKey, <-auths)
	assert.Empty(t, auths)
}

func TestRedirectDowngradeRefused(t *testing.T) {
	t.Parallel()
	var plainHits atomic.Int32
	plain, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		plainHits.Add(1)
		writeJSON(w, 200, testUser("usr_1"))
	})
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(tlsSrv.Close)
	c, err := admin.NewClient(admin.WithBaseURL(tlsSrv.URL+"/v1"), admin.WithAPIKey(testKey), admin.WithHTTPClient(tlsSrv.Client()),
		admin.WithRetry(fastRetry()))
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Contains(t, err.Error(), "https to http")
	assert.Zero(t, plainHits.Load())
}

func TestRedirectLoop(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	_, c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	_, err := c.Users.Get(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Contains(t, err.Error(), "redirects")
	assert.Equal(t, 1, e.Attempts)
	assert.Equal(t, int32(10), n.Load())
}

func TestUntrustedCertificateNotRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	t.Cleanup(tlsSrv.Close)
	c, err := admin.NewClient(admin.WithBaseURL(tlsSrv.URL+"/v1"), admin.WithAPIKey(testKey), admin.WithRetry(fastRetry()))
	require.NoError(t, err)
	err = c.Users.Delete(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 1, e.Attempts)
	assert.False(t, e.PossiblyApplied, "the handshake failed before anything was sent")
	assert.Zero(t, n.Load())
	assert.False(t, errors.Is(err, admin.ErrServer))
}

// TestErrorsThatCannotSucceed checks that an error no retry can mend
// fails the call on its first attempt, with its cause, and that one that
// may pass is still retried.
func TestErrorsThatCannotSucceed(t *testing.T) {
	t.Parallel()
	dialing := func(err error) admin.Option {
		return admin.WithHTTPClient(&http.Client{Transport: &http.Transport{
			DialContext: func(context.Context, string, string) (net.Conn, error) { return nil, err },
		}})
	}
	plain, _ := serve(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, testUser("usr_1")) })
	tests := []struct {
		name     string
		base     string
		opts     []admin.Option
		attempts int
		cause    func(error) bool
	}{
		{"plain HTTP to https", "https://" + plain.Listener.Addr().String() + "/v1", nil, 1,
			func(err error) bool { return errors.Is(err, http.ErrSchemeMismatch) }},
		{"no such host", "https://api.example.invalid/v1",
			[]admin.Option{dialing(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}})}, 1,
			func(err error) bool { var d *net.DNSError; return errors.As(err, &d) && d.IsNotFound }},
		{"resolver timeout", "https://api.example.invalid/v1",
			[]admin.Option{dialing(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "api.example.invalid", IsTimeout: true}})}, 4,
			func(err error) bool { var d *net.DNSError; return errors.As(err, &d) && d.IsTimeout }},
		{"resolver failure", "https://api.example.invalid/v1",
			[]admin.Option{dialing(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "api.example.invalid", IsTemporary: true}})}, 4,
			func(err error) bool { var d *net.DNSError; return errors.As(err, &d) }},
		{"not TLS", "https://api.example.invalid/v1",
			[]admin.Option{dialing(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"})}, 1,
			func(err error) bool { var r tls.RecordHeaderError; return errors.As(err, &r) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := admin.NewClient(append([]admin.Option{admin.WithBaseURL(tt.base), admin.WithAPIKey(testKey), admin.WithRetry(fastRetry())}, tt.opts...)...)
			require.NoError(t, err)
			_, err = c.Users.Create(context.Background(), &admin.CreateUserParams{Name: "A", Email: "a@example.com", Role: admin.RoleViewer})
			var e *admin.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.attempts, e.Attempts, "%v", err)
			assert.True(t, tt.cause(err), "the cause is kept: %v", err)
			assert.False(t, e.PossiblyApplied, "nothing reached a server that could apply it")
		})
	}
}

// TestNoSuchHostResolved looks up a name under .invalid (RFC 2606), which
// never resolves, with the system's resolver: the call fails at once. A
// machine without a resolver that answers skips it.
func TestNoSuchHostResolved(t *testing.T) {
	t.Parallel()
	if _, err := net.DefaultResolver.LookupHost(context.Background(), "api.example.invalid"); err != nil {
		var d *net.DNSError
		if !errors.As(err, &d) || !d.IsNotFound {
			t.Skipf("the resolver does not answer: %v", err)
		}
	}
	c, err := admin.NewClient(admin.WithBaseURL("https://api.example.invalid/v1"), admin.WithAPIKey(testKey), admin.WithRetry(fastRetry()))
	require.NoError(t, err)
	_, err = c.Users.Get(context.Background(), "usr_1")
	var e *admin.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 1, e.Attempts, "%v", err)
	assert.Contains(t, err.Error(), "no such host")
}
