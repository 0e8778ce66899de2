// Command otel shows what the adminotel module records: it runs a small
// job (create a user, list users page by page, read one back, delete it)
// with an Observer and prints the job's spans as JSON, with
// OpenTelemetry's stdout exporter, as they end.
//
//	ADMIN_API_KEY=sk_live_... go run ./examples/otel
//
// Without ADMIN_API_KEY it runs against an embedded fake server, and has
// the server answer one request 503 with Retry-After, to show a retry:
// the read-back's span then has two attempts and the wait between them.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/cli"
	adminotel "github.com/admin/api-go/otel"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

const prog = "otel"

func main() { cli.Main(prog, run) }

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) (err error) {
	fs := cli.NewFlagSet(prog, prog+" [-page n]\n\n"+
		"Creates a user, lists users, reads the user back and deletes it,\n"+
		"and prints the spans of these calls as JSON.", stderr)
	pageSize := fs.Int("page", 5, "users per page when listing (1-100)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *pageSize < 1 || *pageSize > 100 {
		return fmt.Errorf("-page %d: want 1 to 100", *pageSize)
	}

	// Tracing: spans go to stdout as they end. A real program would use
	// an OTLP exporter with a batcher, and set its providers globally
	// (otel.SetTracerProvider), which NewObserver uses by default.
	exp, err := stdouttrace.New(stdouttrace.WithWriter(stdout), stdouttrace.WithPrettyPrint())
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer func() { err = errors.Join(err, tp.Shutdown(context.WithoutCancel(ctx))) }()
	obs := adminotel.NewObserver(
		adminotel.WithTracerProvider(tp),
		adminotel.WithPropagators(propagation.TraceContext{}), // traceparent on every attempt
	)

	conn, err := cli.Connect(ctx, prog, env, stderr, cli.Seed{Users: 8}, admin.WithObserver(obs))
	if err != nil {
		return err
	}
	defer conn.Close()

	// The job's own span: every call's span hangs below it.
	ctx, job := tp.Tracer(prog).Start(ctx, "sync job")
	defer job.End()
	return syncJob(ctx, conn, *pageSize)
}

// syncJob makes the calls whose spans the program prints.
func syncJob(ctx context.Context, conn *cli.Conn, pageSize int) error {
	c := conn.Client
	u, err := c.Users.Create(ctx, &admin.CreateUserParams{
		Name:           "Observed User",
		Email:          "observed-" + rand.Text()[:10] + "@example.com",
		Role:           admin.RoleViewer,
		SendInvitation: admin.Ptr(false),
	})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}

	// One span per page: GET /users, then GET /users again with a cursor.
	for _, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: pageSize}) {
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
	}

	if conn.Server != nil {
		// The next request answers 503 with Retry-After: 1, once.
		conn.Server.InjectFault(admintest.FaultUnavailableRetryAfter, 1)
	}
	if _, err := c.Users.Get(ctx, u.ID); err != nil {
		return fmt.Errorf("get user: %w", err)
	}
	if err := c.Users.Delete(ctx, u.ID); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}
