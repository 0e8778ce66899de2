package redislimit_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/redislimit"
)

// TestFleetStaysUnderTheServersLimit runs the case end to end:
// three processes of three workers each share one key of a rate-limited
// server. Pacing themselves alone they are answered 429; sharing the
// budget in Redis they are not.
func TestFleetStaysUnderTheServersLimit(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	tests := []struct {
		name    string
		limiter func() admin.Limiter // one per process
		want429 bool
	}{
		{"adaptive limiter in each process", admin.NewAdaptiveLimiter, true},
		// A timeout generous enough that a loaded machine is not taken
		// for an outage, which would pace each process alone.
		{"shared budget in Redis", func() admin.Limiter {
			return redislimit.New(srv.client(t), redislimit.WithTimeout(time.Second))
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := admintest.NewServer(admintest.WithRateLimit(1200)) // 20 a second, a burst of 20
			t.Cleanup(api.Close)
			const processes, workers, calls = 3, 3, 6
			var wg sync.WaitGroup
			for range processes {
				c := api.Client(admin.WithLimiter(tc.limiter()))
				for range workers {
					wg.Go(func() {
						for range calls {
							if _, err := c.Users.Get(context.Background(), api.AdminUserID); err != nil {
								t.Errorf("Get: %v", err)
							}
						}
					})
				}
			}
			wg.Wait()
			n429 := 0
			for _, r := range api.Requests() {
				if r.Status == 429 {
					n429++
				}
			}
			t.Logf("%d of %d requests answered 429", n429, len(api.Requests()))
			if got := n429 > 0; got != tc.want429 {
				t.Errorf("%d requests answered 429, want429 %v", n429, tc.want429)
			}
			// The credential is in no key and no value.
			rdb := srv.client(t)
			keys, err := rdb.Keys(context.Background(), "*").Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				v, _ := rdb.Get(context.Background(), k).Result()
				if strings.Contains(k+v, api.APIKey) {
					t.Fatalf("key %q holds %q: the API key", k, v)
				}
			}
		})
	}
}
