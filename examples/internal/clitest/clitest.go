// Package clitest runs the example programs' run functions against an
// admintest server in tests.
package clitest

import (
	"bytes"
	"context"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/cli"
)

// Server starts an admintest server with opts and closes it when the test
// ends.
func Server(t testing.TB, opts ...admintest.Option) *admintest.Server {
	t.Helper()
	srv := admintest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// Env returns an environment that points a program at srv with its admin
// key, as ADMIN_API_URL and ADMIN_API_KEY would.
func Env(srv *admintest.Server) func(string) string {
	vars := map[string]string{"ADMIN_API_URL": srv.URL, "ADMIN_API_KEY": srv.APIKey}
	return func(k string) string { return vars[k] }
}

// NoEnv is an empty environment: programs start their embedded server.
func NoEnv(string) string { return "" }

// Result is what one run printed and returned.
type Result struct {
	Stdout, Stderr string
	Err            error
}

// Exit returns the exit status cli.Main would give r's error and the line
// it would print on stderr for it.
func (r Result) Exit(prog string) (code int, line string) {
	var b bytes.Buffer
	code = cli.ExitCode(prog, r.Err, &b)
	return code, b.String()
}

// Run calls run with args and env and collects its output.
func Run(ctx context.Context, run cli.RunFunc, env func(string) string, args ...string) Result {
	var out, errb bytes.Buffer
	err := run(ctx, args, env, &out, &errb)
	return Result{Stdout: out.String(), Stderr: errb.String(), Err: err}
}
