package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/admin/api-go/admintest"
)

// serveEnv, when set in the environment, turns the test binary into an
// admintest server: "users,groups,perMinute". It prints "URL KEY" on one
// line and serves until its standard input closes.
const serveEnv = "BENCH_ADMINTEST_SERVE"

func TestMain(m *testing.M) {
	if spec := os.Getenv(serveEnv); spec != "" {
		os.Exit(serve(spec))
	}
	if os.Getenv(fleetEnv) != "" {
		os.Exit(fleetWorker())
	}
	os.Exit(m.Run())
}

// serverSpec is what the child server holds.
type serverSpec struct {
	users, groups int
	perMinute     int // 0: no rate limit
}

func serve(spec string) int {
	var s serverSpec
	if _, err := fmt.Sscanf(spec, "%d,%d,%d", &s.users, &s.groups, &s.perMinute); err != nil {
		fmt.Fprintln(os.Stderr, "bench: bad", serveEnv, spec)
		return 2
	}
	srv := admintest.NewServer(admintest.WithSeedData(s.users, s.groups, 0), admintest.WithRateLimit(s.perMinute))
	defer srv.Close()
	fmt.Println(srv.URL, srv.APIKey)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// server is an admintest server in a child process: the benchmark
// process then holds only the client, so its allocations, heap and CPU time
// are the client's alone.
type server struct {
	URL    string // with the /v1 prefix, as the SDK takes it
	Origin string // without it, as the generated clients take it
	Key    string
	stdin  io.Closer
	cmd    *exec.Cmd
}

// startServer starts a child server seeded per s; it stops when tb ends.
func startServer(tb testing.TB, s serverSpec) *server {
	tb.Helper()
	srv, err := launch(s)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.close)
	return srv
}

func launch(s serverSpec) (*server, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d,%d", serveEnv, s.users, s.groups, s.perMinute))
	in, out, err := startPiped(cmd)
	if err != nil {
		return nil, err
	}
	line, err := out.ReadString('\n')
	if err != nil {
		_ = in.Close()
		_ = cmd.Wait()
		return nil, fmt.Errorf("bench: child server: %w", err)
	}
	url, key, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok {
		_ = in.Close()
		_ = cmd.Wait()
		return nil, fmt.Errorf("bench: child server said %q", line)
	}
	return &server{URL: url, Origin: strings.TrimSuffix(url, "/v1"), Key: key, stdin: in, cmd: cmd}, nil
}

func (s *server) close() {
	_ = s.stdin.Close()
	_ = s.cmd.Wait()
}

// startPiped starts cmd, a child that talks on its standard input and
// output and writes its errors to the benchmark's, and that the kernel
// kills if the benchmark dies.
func startPiped(cmd *exec.Cmd) (io.WriteCloser, *bufio.Reader, error) {
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = childAttr()
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	return in, bufio.NewReader(out), nil
}
