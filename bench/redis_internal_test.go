package bench

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// requireRedis skips t when redis-server is not installed, except in CI
// (CI set), where the outage machinery must be tested.
func requireRedis(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed:", err)
		}
		t.Skip("redis-server is not installed")
	}
}

// TestRedisOutage takes a redis-server through the outages BenchmarkFleet
// causes and checks, after each step, whether it answers PING.
func TestRedisOutage(t *testing.T) {
	t.Parallel()
	requireRedis(t)
	rs, err := startRedis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rs.close)
	// A stopped server still accepts connections (the kernel does); it
	// must not answer within this time.
	const patience = 300 * time.Millisecond
	steps := []struct {
		name    string
		do      func() error
		answers bool
	}{
		{"started", func() error { return nil }, true},
		{"stopped", rs.stop, false},
		{"resumed", rs.resume, true},
		{"killed", func() error { rs.kill(); return nil }, false},
		{"restarted", rs.restart, true},
		{"stopped and killed", func() error {
			if err := rs.stop(); err != nil {
				return err
			}
			rs.kill()
			return nil
		}, false},
		{"restarted again", rs.restart, true},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		err := pingRedis(rs.Addr, patience)
		if s.answers && err != nil {
			t.Fatalf("%s: PING: %v", s.name, err)
		}
		if !s.answers && err == nil {
			t.Fatalf("%s: PING answered", s.name)
		}
	}
}
