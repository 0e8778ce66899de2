package bench

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	admin "github.com/admin/api-go"
	"go.uber.org/goleak"
)

// countingConn tracks the connections a transport has open.
type countingConn struct {
	net.Conn
	open   *atomic.Int64
	closed atomic.Bool
}

func (c *countingConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.open.Add(-1)
	}
	return c.Conn.Close()
}

// TestBreakLeavesNothing breaks out of Users.All right after the first
// item, while the pager's fetch of the second page is in flight, and
// checks that the iteration leaves no goroutine and no connection behind:
// once the transport's idle connections are closed, none is open, which a
// response body left unclosed would prevent.
func TestBreakLeavesNothing(t *testing.T) {
	srv := startServer(t, serverSpec{users: 1000})
	before := goleak.IgnoreCurrent()

	var open atomic.Int64
	tr := http.DefaultTransport.(*http.Transport).Clone()
	dial := (&net.Dialer{}).DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		open.Add(1)
		return &countingConn{Conn: c, open: &open}, nil
	}
	c, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithAPIKey(srv.Key), admin.WithInsecureHTTP(),
		admin.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	for _, stopAt := range []int{1, 100, 150, 1001} {
		seen := 0
		for u, err := range c.Users.All(context.Background(), &admin.ListUsersParams{Limit: 100}) {
			if err != nil {
				t.Fatal(err)
			}
			if u.ID == "" {
				t.Fatal("user without id")
			}
			if seen++; seen == stopAt {
				break
			}
		}
		if seen != stopAt {
			t.Fatalf("saw %d users, want %d", seen, stopAt)
		}
	}
	tr.CloseIdleConnections()
	if n := open.Load(); n != 0 {
		t.Errorf("%d connections still open after closing the idle ones", n)
	}
	goleak.VerifyNone(t, before)
}
