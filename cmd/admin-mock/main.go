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
	"syscall"
	"time"

	"github.com/admin/api-go/admintest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "admin-mock:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down within 5 seconds.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("admin-mock", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:12111", "address to listen on (host:port; port 0 picks one)")
	adminKey := fs.String("admin-key", "", "admin API key to use instead of a random one")
	users := fs.Int("users", 50, "seeded users")
	groups := fs.Int("groups", 5, "seeded groups")
	projects := fs.Int("projects", 5, "seeded projects")
	rateLimit := fs.Int("rate-limit", 0, "requests per minute per key (0: no limit)")
	latency := fs.Duration("latency", 0, "delay added to every request")
	tokenTTL := fs.Duration("token-ttl", time.Hour, "lifetime of OAuth access tokens")
	faultRate := fs.Float64("fault-rate", 0, "fraction of requests, 0 to 1, that get a fault")
	faultKinds := fs.String("fault-kinds", "all", "comma-separated fault kinds, or all")
	faultSeed := fs.Int64("fault-seed", 0, "seed of the fault random source (0: random)")
	faultLatency := fs.Duration("fault-latency", 200*time.Millisecond, "delay of the latency fault")
	faultOAuth := fs.Bool("fault-oauth", false, "apply faults to the OAuth token endpoint too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	kinds, err := admintest.ParseFaultKinds(*faultKinds)
	if err != nil {
		return err
	}
	if *faultRate < 0 || *faultRate > 1 {
		return fmt.Errorf("-fault-rate must be between 0 and 1")
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
	fmt.Fprintf(out, "Admin API mock listening\n")
	fmt.Fprintf(out, "  base URL:       %s\n", srv.URL)
	fmt.Fprintf(out, "  admin key:      %s (user %s, password %s)\n", srv.APIKey, srv.AdminUserID, srv.AdminPassword)
	fmt.Fprintf(out, "  editor key:     %s\n", srv.NewKey("editor"))
	fmt.Fprintf(out, "  viewer key:     %s\n", srv.NewKey("viewer"))
	fmt.Fprintf(out, "  oauth client:   %s\n", client.ID)
	fmt.Fprintf(out, "  oauth secret:   %s\n", client.Secret)
	fmt.Fprintf(out, "  token endpoint: %s/oauth/token\n", srv.URL)
	if *faultRate > 0 {
		fmt.Fprintf(out, "  faults:         rate %g, seed %d\n", *faultRate, srv.FaultSeed())
	}

	<-ctx.Done()
	fmt.Fprintln(out, "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
