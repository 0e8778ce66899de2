package admintest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIdempotencyConcurrentRepeat holds the first request inside the handler
// and sends the same request again: the repeat is refused with 409 conflict,
// and once the first finishes a third copy is a replay.
func TestIdempotencyConcurrentRepeat(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	t.Cleanup(srv.Close)
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hook := func(c *call) {
		if c.r.Header.Get("Idempotency-Key") == "same" {
			once.Do(func() {
				close(entered)
				<-release
			})
		}
	}
	srv.svc.beforeHandler.Store(&hook)
	var releaseOnce sync.Once
	defer releaseOnce.Do(func() { close(release) })

	post := func() (*http.Response, error) {
		body, _ := json.Marshal(map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"})
		req, _ := http.NewRequest("POST", srv.URL+"/users", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		req.Header.Set("Idempotency-Key", "same")
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		return hc.Do(req)
	}
	firstDone := make(chan int, 1)
	go func() {
		resp, err := post()
		if err != nil {
			firstDone <- 0
			return
		}
		resp.Body.Close()
		firstDone <- resp.StatusCode
	}()
	<-entered
	resp, err := post()
	require.NoError(t, err)
	var e struct{ Error struct{ Code string } }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
	resp.Body.Close()
	assert.Equal(t, 409, resp.StatusCode)
	assert.Equal(t, "conflict", e.Error.Code)

	releaseOnce.Do(func() { close(release) })
	assert.Equal(t, 201, <-firstDone)
	resp, err = post()
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
	assert.Len(t, srv.Users(), 2)
}

func TestSortedIndexPage(t *testing.T) {
	t.Parallel()
	var x sortedIndex
	for _, k := range []string{"d", "b", "a", "c", "b"} {
		x.insert(k)
	}
	assert.Equal(t, []string{"a", "b", "c", "d"}, x.keys)
	keys, more := x.page("", 2, nil)
	assert.Equal(t, []string{"a", "b"}, keys)
	assert.True(t, more)
	x.remove("b") // the cursor's key is gone: the walk goes on after it
	keys, more = x.page("b", 2, nil)
	assert.Equal(t, []string{"c", "d"}, keys)
	assert.False(t, more)
	keys, _ = x.page("a", 5, func(k string) bool { return k != "c" })
	assert.Equal(t, []string{"d"}, keys)
}
