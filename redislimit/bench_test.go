package redislimit_test

import (
	"context"
	"testing"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/redislimit"
)

// BenchmarkWait times one Wait with a slot free, the cost the shared
// budget adds to every attempt: one script round trip to a local
// redis-server, against the in-process limiter as a peer.
func BenchmarkWait(b *testing.B) {
	srv := startRedis(b)
	limiters := []struct {
		name string
		new  func() admin.Limiter
	}{
		{"redislimit", func() admin.Limiter { return redislimit.New(srv.client(b), redislimit.WithBudget(1e9)) }},
		{"adaptive", admin.NewAdaptiveLimiter},
	}
	for _, lc := range limiters {
		s := newScope(b)
		l := lc.new()
		l.Observe(s, admin.Outcome{StatusCode: 200, RateLimit: admin.RateLimit{Limit: 1e9}})
		b.Run(lc.name+"/serial", func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if err := l.Wait(ctx, s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(lc.name+"/16-goroutines", func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if err := l.Wait(ctx, s); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
