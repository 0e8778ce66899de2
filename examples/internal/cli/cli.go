// Package cli holds what the example programs share: how they start, how
// they find the API (or start an embedded fake one), and how they report
// errors.
package cli

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

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// RunFunc is the body of an example program. It reads its flags from args
// (without the program name) and the environment through env, and writes
// only to stdout and stderr, so that tests can call it directly.
type RunFunc func(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error

// Main runs run with the process's arguments, environment and standard
// streams, cancels its context on SIGINT or SIGTERM (a second one kills
// the process), and exits with the status ExitCode gives.
func Main(prog string, run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills the program at once
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(ExitCode(prog, err, os.Stderr))
}

// ExitCode reports err on stderr in one line and returns the exit status
// it calls for: 0 on success or -h; 2 on a usage error (see Usagef),
// reported as "prog: error; -h for help"; 1 on any other error, reported
// as "prog: error".
func ExitCode(prog string, err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		_, _ = fmt.Fprintf(stderr, "%s: %s; -h for help\n", prog, oneLine(err.Error()))
		return 2
	}
	msg := oneLine(err.Error())
	if errors.Is(err, context.Canceled) && !strings.Contains(msg, "interrupted") {
		msg = "interrupted: " + msg
	}
	_, _ = fmt.Fprintf(stderr, "%s: %s\n", prog, msg)
	return 1
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// usageError is a mistake in how a program was called: an unknown flag,
// a bad flag value, a missing required flag.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Usagef returns a usage error, for which Main exits with status 2.
func Usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// EnvHelp is the part of every program's usage that explains the
// environment.
const EnvHelp = `Environment:
  ADMIN_API_KEY        API key to use the real Admin API with, or
  ADMIN_CLIENT_ID      OAuth2 client id and
  ADMIN_CLIENT_SECRET  its secret (client credentials grant)
  ADMIN_TOKEN_URL      token endpoint (default: <ADMIN_API_URL>/oauth/token)
  ADMIN_API_URL        base URL (default ` + admin.DefaultBaseURL + `)
Without credentials the program starts an embedded fake server (admintest)
with seed data, and says so on stderr.`

// NewFlagSet returns a flag set for prog whose -h prints usage (one line
// saying how to call the program, then what it does), the flags and
// EnvHelp on stderr. Parse it with Parse.
func NewFlagSet(prog, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Parse reports errors itself, in one line
	fs.Usage = func() {
		_, _ = fmt.Fprintf(stderr, "Usage: %s\n\nFlags:\n", usage)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		_, _ = fmt.Fprintf(stderr, "\n%s\n", EnvHelp)
	}
	return fs
}

// Parse parses args with fs, a flag set from NewFlagSet. -h prints the
// usage and comes back as flag.ErrHelp. An unknown flag, a bad value or a
// positional argument comes back as a usage error, printed by nothing:
// Main reports it in one line.
func Parse(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {} // the flag package calls it on every error
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage()
		return err
	case err != nil:
		return &usageError{err}
	case fs.NArg() > 0:
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// Plural returns n and noun, with an "s" unless n is 1: "1 page", "2 pages".
func Plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Roles returns the user roles the API knows, for messages that list them.
func Roles() []admin.Role {
	return []admin.Role{admin.RoleAdmin, admin.RoleEditor, admin.RoleViewer, admin.RoleDepartmentAdmin,
		admin.RoleResearcher, admin.RoleResearchManager, admin.RoleMLEngineer}
}

// RoleNames returns Roles as one comma-separated string.
func RoleNames() string {
	var b strings.Builder
	for i, r := range Roles() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(r))
	}
	return b.String()
}

// Seed says what an embedded server starts with, and may prepare it
// further (for instance by making changes that leave audit events).
type Seed struct {
	Users, Groups, Projects int
	// Prepare, if set, runs against the embedded server before the
	// program does.
	Prepare func(ctx context.Context, c *admin.Client, srv *admintest.Server) error
}

// Conn is a connection to the API, real or embedded.
type Conn struct {
	Client *admin.Client
	// Server is the embedded server, or nil when the real API is used.
	Server *admintest.Server
}

// Close stops the embedded server, if any.
func (c *Conn) Close() {
	if c.Server != nil {
		c.Server.Close()
	}
}

// Connect returns a client of the API that env names: credentials from
// ADMIN_API_KEY, or from ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET (with
// ADMIN_TOKEN_URL), and ADMIN_API_URL. Without credentials it starts an
// embedded admintest server with seed and says so in one line on stderr.
// Call Close when done.
func Connect(ctx context.Context, prog string, env func(string) string, stderr io.Writer, seed Seed, opts ...admin.Option) (*Conn, error) {
	var base []admin.Option
	if u := env(admin.EnvAPIURL); u != "" {
		base = append(base, admin.WithBaseURL(u))
	}
	key, id, secret := env(admin.EnvAPIKey), env(admin.EnvClientID), env(admin.EnvClientSecret)
	switch {
	case key != "":
		base = append(base, admin.WithAPIKey(key))
	case id != "" && secret != "":
		base = append(base, admin.WithClientCredentials(id, secret, env(admin.EnvTokenURL)))
	case id != "" || secret != "":
		return nil, fmt.Errorf("set both %s and %s", admin.EnvClientID, admin.EnvClientSecret)
	default:
		return connectEmbedded(ctx, prog, stderr, seed, opts)
	}
	c, err := admin.NewClient(append(base, opts...)...)
	if err != nil {
		return nil, err
	}
	return &Conn{Client: c}, nil
}

func connectEmbedded(ctx context.Context, prog string, stderr io.Writer, seed Seed, opts []admin.Option) (*Conn, error) {
	srv, err := admintest.Listen(admintest.WithSeedData(seed.Users, seed.Groups, seed.Projects))
	if err != nil {
		return nil, fmt.Errorf("start the embedded server: %w", err)
	}
	c, err := admin.NewClient(append([]admin.Option{admin.WithBaseURL(srv.URL), admin.WithAPIKey(srv.APIKey)}, opts...)...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	if seed.Prepare != nil {
		if err := seed.Prepare(ctx, c, srv); err != nil {
			srv.Close()
			return nil, fmt.Errorf("prepare the embedded server: %w", err)
		}
	}
	_, _ = fmt.Fprintf(stderr, "%s: %s is not set: using an embedded fake server at %s with %d seeded users\n",
		prog, admin.EnvAPIKey, srv.URL, seed.Users)
	return &Conn{Client: c, Server: srv}, nil
}
