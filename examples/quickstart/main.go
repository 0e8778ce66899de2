// Command quickstart is a first tour of the Admin API SDK: it lists a few
// users, creates one, reads it back with the HTTP response's request id
// and rate-limit headroom, and deletes it again.
//
//	ADMIN_API_KEY=sk_live_... go run ./examples/quickstart
//
// Without ADMIN_API_KEY it runs against an embedded fake server.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/examples/internal/cli"
)

const prog = "quickstart"

func main() { cli.Main(prog, run) }

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet(prog, prog+" [-n count]\n\n"+
		"Lists the first users, creates a user, reads it back and deletes it.", stderr)
	n := fs.Int("n", 5, "how many users to list (1-100)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *n < 1 || *n > 100 {
		return cli.Usagef("-n %d: want 1 to 100", *n)
	}

	// Connect: the real API when ADMIN_API_KEY is set, else a fake one.
	conn, err := cli.Connect(ctx, prog, env, stderr, cli.Seed{Users: 8})
	if err != nil {
		return err
	}
	defer conn.Close()
	c := conn.Client

	// 1. List the first users: one page of up to n.
	page, err := c.Users.List(ctx, &admin.ListUsersParams{Limit: *n})
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	fmt.Fprintf(stdout, "First %d users (more: %v):\n", len(page.Data), page.HasMore)
	for _, u := range page.Data {
		fmt.Fprintf(stdout, "  %-24s %-36s %s\n", u.ID, u.Email, u.Role)
	}

	// 2. Create a user. Emails are unique, so make one up.
	u, err := c.Users.Create(ctx, &admin.CreateUserParams{
		Name:           "Quickstart User",
		Email:          "quickstart-" + rand.Text()[:10] + "@example.com",
		Role:           admin.RoleViewer,
		SendInvitation: admin.Ptr(false), // no email: the user starts active
	})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	fmt.Fprintf(stdout, "Created %s <%s> with id %s\n", u.Name, u.Email, u.ID)

	// 3. Read it back, capturing the HTTP response of the call.
	var resp admin.Response
	got, err := c.Users.Get(admin.CaptureResponse(ctx, &resp), u.ID)
	if err != nil {
		return fmt.Errorf("get user: %w", err)
	}
	fmt.Fprintf(stdout, "Read back %s: status %s, role %s (request id %s)\n", got.ID, got.Status, got.Role, resp.RequestID)
	if rl, ok := c.RateLimit(); ok { // the latest response's X-RateLimit-* headers
		fmt.Fprintf(stdout, "Rate limit: %d of %d requests left until %s\n",
			rl.Remaining, rl.Limit, rl.Reset.Local().Format(time.TimeOnly))
	}

	// 4. Delete it. Errors are *admin.Error values that errors.Is
	// matches against sentinels such as admin.ErrNotFound.
	if err := c.Users.Delete(ctx, u.ID); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if _, err := c.Users.Get(ctx, u.ID); !errors.Is(err, admin.ErrNotFound) {
		return fmt.Errorf("user %s still readable after delete (error: %v)", u.ID, err)
	}
	fmt.Fprintf(stdout, "Deleted %s; reading it now answers not found\n", u.ID)
	return nil
}
