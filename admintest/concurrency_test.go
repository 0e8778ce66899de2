package admintest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call sends one JSON request over hc; it is safe to use from many goroutines.
func call(hc *http.Client, srv *admintest.Server, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// TestCursorWalkWhileUsersChange walks 1,000 users with a cursor while other
// goroutines insert and delete users (new ones, and some of the seeded ones).
// Every user present for the whole walk is seen exactly once, in order.
func TestCursorWalkWhileUsersChange(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(999, 0, 0))
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	t.Cleanup(hc.CloseIdleConnections)
	initial := srv.Users()
	require.Len(t, initial, 1000)

	var deleted sync.Map // ids of seeded users deleted during the walk
	stop := make(chan struct{})
	var writes atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				status, body, err := call(hc, srv, "POST", "/users", map[string]any{
					"name": "Churn", "email": fmt.Sprintf("churn-%d-%d@example.com", w, i), "role": "viewer"})
				if err != nil || status != 201 {
					t.Errorf("create: %d %s %v", status, body, err)
					return
				}
				var u struct{ ID string }
				_ = json.Unmarshal(body, &u)
				if i%2 == 0 { // delete every other new user again
					if status, _, err := call(hc, srv, "DELETE", "/users/"+u.ID, nil); err != nil || status != 204 {
						t.Errorf("delete new: %d %v", status, err)
						return
					}
				}
				victim := initial[1+(w*250+i*7)%999].ID
				deleted.Store(victim, true)
				if status, _, err := call(hc, srv, "DELETE", "/users/"+victim, nil); err != nil || (status != 204 && status != 404) {
					t.Errorf("delete seeded: %d %v", status, err)
					return
				}
				writes.Add(1)
			}
		}()
	}

	seen := map[string]int{}
	var order []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000)
		path := "/users?limit=37"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		status, body, err := call(hc, srv, "GET", path, nil)
		require.NoError(t, err)
		require.Equal(t, 200, status, "body: %s", body)
		var p page[user]
		require.NoError(t, json.Unmarshal(body, &p))
		for _, u := range p.Data {
			seen[u.ID]++
			order = append(order, u.ID)
		}
		if !p.Meta.HasMore {
			break
		}
		cursor = *p.Meta.NextCursor
	}
	close(stop)
	wg.Wait()

	require.Positive(t, writes.Load(), "the writers ran during the walk")
	assert.IsIncreasing(t, order, "ids come in order")
	for id, n := range seen {
		assert.Equal(t, 1, n, "user %s seen %d times", id, n)
	}
	missed := 0
	for _, u := range initial {
		if _, gone := deleted.Load(u.ID); gone {
			continue
		}
		if seen[u.ID] != 1 {
			missed++
		}
	}
	assert.Zero(t, missed, "users present throughout the walk were skipped")
}

// TestConcurrentCreatesSameEmail races many creates of the same few emails:
// exactly one create per email wins and the audit log agrees.
func TestConcurrentCreatesSameEmail(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	t.Cleanup(hc.CloseIdleConnections)
	var created, taken atomic.Int64
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body, err := call(hc, srv, "POST", "/users", map[string]any{
				"name": "Racer", "email": fmt.Sprintf("racer-%d@example.com", i%8), "role": "viewer"})
			if err != nil {
				t.Error(err)
				return
			}
			switch status {
			case 201:
				created.Add(1)
			case 409:
				taken.Add(1)
			default:
				t.Errorf("status %d: %s", status, body)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 8, created.Load())
	assert.EqualValues(t, 56, taken.Load())
	assert.Len(t, srv.Users(), 9)
	assert.Len(t, srv.AuditLog(), 8)
	assert.Len(t, srv.Requests(), 64)
}
