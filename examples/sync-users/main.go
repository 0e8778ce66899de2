// Command sync-users keeps the Admin API's users in line with a CSV or
// JSON file exported from an identity source: it creates the users the
// file adds, updates names and roles, adds and removes group memberships,
// and deactivates (or with -delete, deletes) the users the file no longer
// lists. -dry-run prints the plan without changing anything.
//
//	sync-users -file people.csv -dry-run
//	sync-users -file people.csv -concurrency 8
//	sync-users -file people.csv -redis redis://127.0.0.1:6379/0
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/examples/internal/cli"
)

const prog = "sync-users"

const usage = prog + ` -file FILE [-dry-run] [-delete] [-concurrency N] [-keep EMAILS] [-redis URL]

Makes the API's users match FILE, a CSV file with the header email,name,role,groups
(groups separated by ';' within the field) or a JSON array of objects with those keys
(groups an array of names). The plan is computed from the API's current state on every
run, and every step is idempotent, so a run after an interruption or a failure picks up
where the last one stopped.

  - Users are matched by email, ignoring case.
  - A user in FILE but not in the API is created (invited unless -invite=false).
  - A user in both gets FILE's name and role; an inactive one is made active again.
  - Group memberships are made exactly FILE's: missing ones are added, others removed.
  - Groups named in FILE that do not exist are created WITHOUT roles: what a group may
    do is decided in the API, not in the identity source, so a new group grants nothing
    until an administrator gives it roles. Group names are case-sensitive.
  - A user in the API but not in FILE is deactivated (status inactive), or deleted with
    -delete. Users listed in -keep (such as the account this tool runs as) are never
    touched. A FILE without users is refused.
  - One user's failure is reported and the others go on; the exit status is 1 if any
    failed.

With -redis URL, the rate limit is shared through that Redis with every other process
that holds the same key and uses it (github.com/admin/api-go/redislimit): several syncs
and other programs spend one budget instead of each the whole. If Redis is unreachable,
the sync goes on pacing itself alone, with one warning on stderr.

Progress is a live bar when stdout is a terminal and one line per user otherwise,
followed by a summary table.`

type options struct {
	file, format, keep string
	dryRun, del        bool
	invite             bool
	concurrency        int
	rate               float64
	redis              string
}

func main() { cli.Main(prog, run) }

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet(prog, usage, stderr)
	var o options
	fs.StringVar(&o.file, "file", "", "the users `FILE` to sync from (required)")
	fs.StringVar(&o.format, "format", "", "csv or json (default: from FILE's extension)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&o.del, "delete", false, "delete users missing from FILE instead of deactivating them")
	fs.StringVar(&o.keep, "keep", "", "comma-separated `emails` never deactivated or deleted")
	fs.BoolVar(&o.invite, "invite", true, "email new users an invitation")
	fs.IntVar(&o.concurrency, "concurrency", 4, "users changed at once (1-64)")
	fs.Float64Var(&o.rate, "rate", 0, "at most this many requests a second (default: the limit the server announces)")
	fs.StringVar(&o.redis, "redis", "", "share the rate limit with other processes through the Redis at `URL` (redis://host:port/db)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	switch {
	case o.file == "":
		return errors.New("-file is required")
	case o.concurrency < 1 || o.concurrency > 64:
		return fmt.Errorf("-concurrency %d: want 1 to 64", o.concurrency)
	case o.rate < 0:
		return fmt.Errorf("-rate %v: must not be negative", o.rate)
	case o.rate > 0 && o.redis != "":
		return errors.New("-rate and -redis: give one")
	}
	redisOpt, closeRedis, err := redisLimiter(o.redis, stderr)
	if err != nil {
		return err
	}
	defer closeRedis()
	records, err := readFile(o.file, o.format)
	if err != nil {
		return err
	}
	if len(records) == 0 {
		return fmt.Errorf("%s lists no users; refusing to deactivate everyone", o.file)
	}

	var opts []admin.Option
	if o.rate > 0 {
		opts = append(opts, admin.WithRateLimit(o.rate, o.concurrency))
	}
	if redisOpt != nil {
		opts = append(opts, redisOpt)
	}
	conn, err := cli.Connect(ctx, prog, env, stderr, cli.Seed{Users: 6, Groups: 3}, opts...)
	if err != nil {
		return err
	}
	defer conn.Close()
	keep := splitList(o.keep)
	if conn.Server != nil { // the embedded server's own admin account
		if u, ok := conn.Server.User(conn.Server.AdminUserID); ok {
			keep = append(keep, u.Email)
		}
	}

	users, groups, err := current(ctx, conn.Client)
	if err != nil {
		return err
	}
	plan := MakePlan(records, users, groups, PlanOptions{Delete: o.del, Keep: keep})
	printPlan(stdout, &plan, o.dryRun)
	if o.dryRun || plan.Empty() {
		return nil
	}

	bar := newProgress(stdout, len(plan.CreateGroups)+len(plan.Changes))
	a := &applier{c: conn.Client, invite: o.invite}
	sum, err := a.apply(ctx, &plan, o.concurrency, bar.done)
	bar.finish()
	printSummary(stdout, sum)
	switch {
	case err != nil:
		return fmt.Errorf("interrupted; run again to finish: %w", err)
	case sum.Failed > 0:
		return fmt.Errorf("%d of %d changes failed; see above, then run again", sum.Failed, len(plan.CreateGroups)+len(plan.Changes))
	}
	return nil
}

// readFile reads and checks the records in path.
func readFile(path, format string) ([]Record, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".csv":
			format = "csv"
		case ".json":
			format = "json"
		default:
			return nil, fmt.Errorf("cannot tell the format of %s from its extension: give -format csv or -format json", path)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := ParseRecords(f, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

func splitList(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// current reads every user and the names of every group.
func current(ctx context.Context, c *admin.Client) ([]admin.User, []string, error) {
	var users []admin.User
	for u, err := range c.Users.All(ctx, &admin.ListUsersParams{Limit: 100}) {
		if err != nil {
			return nil, nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, u)
	}
	var groups []string
	for g, err := range c.Groups.All(ctx, &admin.ListGroupsParams{Limit: 100}) {
		if err != nil {
			return nil, nil, fmt.Errorf("list groups: %w", err)
		}
		groups = append(groups, g.Name)
	}
	return users, groups, nil
}

// printPlan prints one line of counts and, for a dry run, every change.
func printPlan(w io.Writer, p *Plan, detail bool) {
	var n [5]int
	groups := 0
	for i := range p.Changes {
		n[p.Changes[i].Op]++
		groups += p.Changes[i].GroupChanges()
	}
	fmt.Fprintf(w, "Plan: create %d, update %d, deactivate %d, delete %d, group changes %d, new groups %d, unchanged %d\n",
		n[OpCreate], n[OpUpdate], n[OpDeactivate], n[OpDelete], groups, len(p.CreateGroups), p.Unchanged)
	if !detail {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, g := range p.CreateGroups {
		fmt.Fprintf(tw, "  create group\t%s\t(no roles)\n", g)
	}
	for i := range p.Changes {
		c := &p.Changes[i]
		if d := c.Describe(); d != "" {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Op, c.Email, d)
		} else {
			fmt.Fprintf(tw, "  %s\t%s\n", c.Op, c.Email)
		}
	}
	_ = tw.Flush()
	if p.Empty() {
		fmt.Fprintln(w, "Nothing to do.")
	} else {
		fmt.Fprintln(w, "Dry run: nothing changed.")
	}
}

// printSummary prints the summary table.
func printSummary(w io.Writer, s Summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "Summary:")
	for _, row := range []struct {
		name string
		n    int
	}{
		{"created", s.Created}, {"updated", s.Updated}, {"deactivated", s.Deactivated}, {"deleted", s.Deleted},
		{"group changes", s.GroupChanges}, {"groups created", s.GroupsCreated}, {"failed", s.Failed}, {"unchanged", s.Unchanged},
	} {
		fmt.Fprintf(tw, "  %s\t%d\n", row.name, row.n)
	}
	_ = tw.Flush()
}
