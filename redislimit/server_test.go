package redislimit_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a real redis-server on a free loopback port, with its own
// temporary directory and no persistence, stopped when the test ends.
type redisServer struct {
	t    testing.TB
	addr string
	dir  string
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

// startRedis starts a redis-server for t. Without one on PATH the test is
// skipped, or fails when CI is set: CI must run these tests.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	requireTool(t, "redis-server")
	s := &redisServer{t: t, dir: t.TempDir()}
	s.start(freePort(t))
	t.Cleanup(s.stop)
	return s
}

// requireTool skips t when the command name of the package redis-server
// is missing, or fails it when CI is set: CI must run the Redis tests.
func requireTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found, and CI must run the Redis tests: %v", name, err)
		}
		t.Skipf("%s not found; install it with: apt-get install -y redis-server", name)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *redisServer) start(port int, extra ...string) {
	s.t.Helper()
	s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no"}, extra...)
	s.log = new(bytes.Buffer)
	s.cmd = exec.Command("redis-server", args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.waitReady()
}

// waitReady polls PING until the server answers, for at most 10 seconds.
func (s *redisServer) waitReady() {
	s.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on %s did not answer PING: %v\n%s", s.addr, err, s.log)
		}
		time.Sleep(10 * time.Millisecond) // a poll interval, not a wait for an event
	}
}

// stop ends the server and waits for it to exit.
func (s *redisServer) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a stopped process cannot handle SIGTERM
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// restart stops the server and starts a new one on the same port: its
// state is lost, as after a crash without persistence.
func (s *redisServer) restart() {
	s.t.Helper()
	s.stop()
	s.start(s.port())
}

// pause stops the server's process (SIGSTOP): it keeps its connections
// but answers nothing, as a server stuck or overloaded would.
func (s *redisServer) pause()  { s.signal(syscall.SIGSTOP) }
func (s *redisServer) resume() { s.signal(syscall.SIGCONT) }

func (s *redisServer) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
}

// client returns a go-redis client of the server, closed when the test ends.
func (s *redisServer) client(t testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.addr})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// port returns the server's port.
func (s *redisServer) port() int {
	_, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return p
}
