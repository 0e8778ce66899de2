package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// redisReady is how long a redis-server may take to accept connections.
const redisReady = 10 * time.Second

// redisServer is a redis-server in a child process, on a free loopback
// port, with persistence off. The outage modes of BenchmarkFleet stop it
// (SIGSTOP: it keeps its connections and answers nothing) or kill it and
// start a new, empty one on the same port.
type redisServer struct {
	Addr string // host:port
	port int
	proc *redisProc // nil once killed and not yet restarted
}

// startRedis starts a redis-server; close stops it.
func startRedis() (*redisServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	proc, err := spawnRedis(port)
	if err != nil {
		return nil, err
	}
	return &redisServer{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), port: port, proc: proc}, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// stop freezes the server with SIGSTOP; resume thaws it.
func (r *redisServer) stop() error { return r.signal(syscall.SIGSTOP) }

// resume lets a stopped server run again.
func (r *redisServer) resume() error { return r.signal(syscall.SIGCONT) }

func (r *redisServer) signal(sig syscall.Signal) error {
	if r.proc == nil {
		return errors.New("bench: redis-server is not running")
	}
	return r.proc.cmd.Process.Signal(sig)
}

// kill ends the server with SIGKILL, losing its data.
func (r *redisServer) kill() {
	if r.proc != nil {
		r.proc.kill()
		r.proc = nil
	}
}

// restart starts a new, empty server on the port of a killed one.
func (r *redisServer) restart() error {
	if r.proc != nil {
		return errors.New("bench: redis-server is still running")
	}
	proc, err := spawnRedis(r.port)
	if err != nil {
		return err
	}
	r.proc = proc
	return nil
}

// close ends the server, stopped or not.
func (r *redisServer) close() { r.kill() }

// outage takes the server down at the time at, for d: how is "stop"
// (SIGSTOP, then SIGCONT) or "kill" (SIGKILL, then a new server on the same
// port). It returns when the server is back, with the times it went down
// and came back.
func (r *redisServer) outage(ctx context.Context, how string, at time.Time, d time.Duration) (down, up time.Time, err error) {
	if err := sleepUntil(ctx, at); err != nil {
		return down, up, err
	}
	down = time.Now()
	switch how {
	case "stop":
		err = r.stop()
	case "kill":
		r.kill()
	default:
		err = fmt.Errorf("bench: no outage %q", how)
	}
	if err != nil {
		return down, up, err
	}
	// Bring the server back even if ctx ends first, so that nothing is
	// left stopped.
	waitErr := sleepUntil(ctx, down.Add(d))
	if how == "stop" {
		err = r.resume()
	} else {
		err = r.restart()
	}
	return down, time.Now(), errors.Join(waitErr, err)
}

// sleepUntil waits until t or until ctx is done.
func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// redisProc is one redis-server process.
type redisProc struct {
	cmd    *exec.Cmd
	log    *readyLog
	exited chan struct{} // closed once cmd.Wait has returned
}

// spawnRedis starts redis-server on port and returns once it accepts
// connections, which it says in its log.
func spawnRedis(port int) (*redisProc, error) {
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "yes")
	log := &readyLog{marker: []byte("Ready to accept connections"), ready: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: redis-server: %w", err)
	}
	p := &redisProc{cmd: cmd, log: log, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	timer := time.NewTimer(redisReady)
	defer timer.Stop()
	select {
	case <-log.ready:
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("bench: redis-server exited before it was ready:\n%s", log.text())
	case <-timer.C:
		p.kill()
		return nil, fmt.Errorf("bench: redis-server not ready after %v:\n%s", redisReady, log.text())
	}
}

func (p *redisProc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// readyLog keeps the start of a log and closes ready when marker appears
// in it.
type readyLog struct {
	marker []byte
	ready  chan struct{}
	mu     sync.Mutex
	buf    []byte
	seen   bool
}

// readyLogMax is how much of the log readyLog keeps.
const readyLogMax = 16 << 10

func (l *readyLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.seen {
		l.buf = append(l.buf, p[:min(len(p), readyLogMax-len(l.buf))]...)
		if bytes.Contains(l.buf, l.marker) {
			l.seen = true
			close(l.ready)
		}
	}
	return len(p), nil
}

func (l *readyLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

// pingRedis sends PING to addr and waits up to timeout for PONG.
func pingRedis(addr string, timeout time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("redis answered %q to PING", line)
	}
	return nil
}
