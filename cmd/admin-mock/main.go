// Command admin-mock serves the admintest fake of the Admin API until it is
// interrupted, for trying the SDK or a client by hand:
//
//	go run ./cmd/admin-mock -addr 127.0.0.1:12111
//
// It prints the base URL, an admin, an editor and a viewer API key, and an
// OAuth client id and secret. Flags set the seed sizes, a rate limit, added
// latency and random faults; run with -h for the list. SIGINT or SIGTERM
// shuts the server down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/admin/api-go/admintest"
)

const about = `Usage: admin-mock [flags]

admin-mock serves admintest, the whole Admin API in memory (users, groups, roles,
projects, clusters, admins, audit logs, API keys and OAuth2 client credentials),
with seed data, until it is interrupted. It prints the base URL, API keys for
each role, an OAuth client, and an export line for the SDK's environment
variables. Nothing is stored: every start is afresh.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// exitCode reports err on stderr in one line and returns the exit status:
// 0 on success or -h, 2 for a usage error, 1 for any other error.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "admin-mock: %v; -h for help\n", err)
		return 2
	}
	fmt.Fprintln(stderr, "admin-mock:", err)
	return 1
}

// usageError is a mistake in how admin-mock was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }

// faultKindNames returns every fault kind, comma-separated.
func faultKindNames() string {
	var names []string
	for _, k := range admintest.AllFaultKinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// run serves until ctx ends, then shuts down within 5 seconds. It prints
// what it serves on stdout, and -h's usage on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin-mock", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by exitCode
	addr := fs.String("addr", "127.0.0.1:12111", "address to listen on (host:port; port 0 picks one)")
	adminKey := fs.String("admin-key", "", "admin API key to use instead of a random one")
	users := fs.Int("users", 50, "seeded users")
	groups := fs.Int("groups", 5, "seeded groups")
	projects := fs.Int("projects", 5, "seeded projects")
	rateLimit := fs.Int("rate-limit", 0, "requests per minute per key (0: no limit)")
	latency := fs.Duration("latency", 0, "delay added to every request")
	tokenTTL := fs.Duration("token-ttl", time.Hour, "lifetime of OAuth access tokens")
	faultRate := fs.Float64("fault-rate", 0, "fraction of requests, 0 to 1, that get a fault")
	faultKinds := fs.String("fault-kinds", "all", "comma-separated fault `kinds`, or all; the kinds are\n"+faultKindNames())
	faultSeed := fs.Int64("fault-seed", 0, "seed of the fault random source (0: random)")
	faultLatency := fs.Duration("fault-latency", 200*time.Millisecond, "delay of the latency fault")
	faultOAuth := fs.Bool("fault-oauth", false, "apply faults to the OAuth token endpoint too")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, about)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return err
		}
		return &usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	kinds, err := admintest.ParseFaultKinds(*faultKinds)
	if err != nil {
		return usagef("-fault-kinds: %w; the kinds are %s", err, faultKindNames())
	}
	if *faultRate < 0 || *faultRate > 1 {
		return usagef("-fault-rate %g: want 0 to 1", *faultRate)
	}
	srv, err := admintest.Listen(
		admintest.WithAddr(*addr),
		admintest.WithAdminKey(*adminKey),
		admintest.WithSeedData(*users, *groups, *projects),
		admintest.WithRateLimit(*rateLimit),
		admintest.WithLatency(*latency),
		admintest.WithTokenTTL(*tokenTTL),
		admintest.WithFaults(admintest.Faults{Rate: *faultRate, Kinds: kinds, Seed: *faultSeed,
			Latency: *faultLatency, OAuth: *faultOAuth}),
	)
	if err != nil {
		return err
	}
	client := srv.NewOAuthClient("admin")
	fmt.Fprintf(stdout, "Admin API mock listening\n")
	fmt.Fprintf(stdout, "  base URL:       %s\n", srv.URL)
	fmt.Fprintf(stdout, "  admin key:      %s (user %s, password %s)\n", srv.APIKey, srv.AdminUserID, srv.AdminPassword)
	fmt.Fprintf(stdout, "  editor key:     %s\n", srv.NewKey("editor"))
	fmt.Fprintf(stdout, "  viewer key:     %s\n", srv.NewKey("viewer"))
	fmt.Fprintf(stdout, "  oauth client:   %s\n", client.ID)
	fmt.Fprintf(stdout, "  oauth secret:   %s\n", client.Secret)
	fmt.Fprintf(stdout, "  token endpoint: %s/oauth/token\n", srv.URL)
	if *faultRate > 0 {
		fmt.Fprintf(stdout, "  faults:         rate %g, seed %d\n", *faultRate, srv.FaultSeed())
	}
	fmt.Fprintf(stdout, "To point the SDK and the examples at it, as the admin:\n")
	fmt.Fprintf(stdout, "export ADMIN_API_URL=%s ADMIN_API_KEY=%s\n", shellQuote(srv.URL), shellQuote(srv.APIKey))

	<-ctx.Done()
	fmt.Fprintln(stdout, "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// shellQuote returns s as one POSIX shell word: as it is when it holds
// only characters no shell treats specially, else in single quotes.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
