package redislimit_test

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/redislimit"
	"github.com/redis/go-redis/v9"
)

// startCluster starts a Redis Cluster of three masters on loopback ports
// and returns a client of it, closed when the test ends.
func startCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	var addrs []string
	for range 3 {
		s := startRedis(t)
		s.stop()
		s.start(clusterPort(t), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
		addrs = append(addrs, s.addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	out, err := exec.Command("redis-cli", append(args, "--cluster-replicas", "0", "--cluster-yes")...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = c.Close() })
	// Poll until every node agrees that the cluster is up.
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok := true
		for _, a := range addrs {
			n := redis.NewClient(&redis.Options{Addr: a})
			info, err := n.ClusterInfo(context.Background()).Result()
			_ = n.Close()
			ok = ok && err == nil && strings.Contains(info, "cluster_state:ok")
		}
		if ok && c.ForEachMaster(context.Background(), func(ctx context.Context, m *redis.Client) error {
			return m.Ping(ctx).Err()
		}) == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatal("the cluster did not come up")
		}
		time.Sleep(50 * time.Millisecond) // a poll interval
	}
}

// clusterPort returns a free port whose cluster bus port (+10000) is free too.
func clusterPort(t *testing.T) int {
	t.Helper()
	for range 100 {
		p := freePort(t)
		if p+10000 > 65535 {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+10000)))
		if err != nil {
			continue
		}
		l.Close()
		return p
	}
	t.Fatal("no free port pair for a cluster node")
	return 0
}

func TestCluster(t *testing.T) {
	t.Parallel()
	requireTool(t, "redis-cli")
	c := startCluster(t)
	const perMinute = 3000 // one every 20ms
	var scopes []admin.Scope
	for range 8 {
		scopes = append(scopes, newScope(t))
	}
	opts := []redislimit.Option{redislimit.WithBudget(perMinute), redislimit.WithTimeout(time.Second), redislimit.WithFallback(new(countingFallback))}
	fleet := []*redislimit.Limiter{redislimit.New(c, opts...), redislimit.New(c, opts...)}
	const grants = 10
	var wg sync.WaitGroup
	start := time.Now()
	for _, s := range scopes {
		for i := range grants {
			wg.Go(func() {
				if err := fleet[i%2].Wait(context.Background(), s); err != nil {
					t.Errorf("Wait: %v", err)
				}
				fleet[i%2].Observe(s, admin.Outcome{StatusCode: 429, RetryAfter: time.Millisecond})
			})
		}
	}
	wg.Wait()
	for _, l := range fleet {
		l.Flush()
	}
	if elapsed, least := time.Since(start), (grants-1)*20*time.Millisecond; elapsed < least {
		t.Errorf("%d slots of one scope taken in %v, want at least %v", grants, elapsed, least)
	}
	// Every key of a scope is in one slot, as a script needs; the scopes
	// are spread over the masters.
	nodes := map[string]int{}
	for _, s := range scopes {
		var mu sync.Mutex
		var found []string
		err := c.ForEachMaster(context.Background(), func(ctx context.Context, m *redis.Client) error {
			keys, err := m.Keys(ctx, "*{"+s.Key+"}*").Result()
			mu.Lock()
			defer mu.Unlock()
			if len(keys) > 0 {
				found = append(found, m.Options().Addr)
				nodes[m.Options().Addr]++
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 {
			t.Errorf("the keys of one scope are on %v, want one node", found)
		}
	}
	if len(nodes) < 2 {
		t.Errorf("8 scopes all on %v: the cluster was not used", nodes)
	}
}
