// Command sync-users keeps the Admin API's users in line with a CSV or
// JSON file exported from an identity source: it creates the users the
// file adds, updates names and roles, adds and removes group memberships,
// and deactivates (or with -delete, deletes) the users the file no longer
// lists. It never deactivates or deletes the account it runs as. -dry-run
// prints the plan without changing anything; -shard splits the work among
// processes.
//
//	sync-users -file people.csv -dry-run
//	sync-users -file people.csv -concurrency 8
//	sync-users -file people.csv -shard 0/4   # and 1/4, 2/4, 3/4 elsewhere
//	sync-users -file people.csv -redis redis://127.0.0.1:6379/0
package main

import (
	"context"
	"flag"
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

const usage = prog + ` -file FILE [-dry-run] [-delete] [-concurrency N] [-keep EMAILS] [-shard i/n] [-redis URL]

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
    -delete. The user the credentials act as (GET /me) is never deactivated or deleted,
    nor are the users listed in -keep; the plan lists them. A FILE without users is
    refused.
  - One user's failure is reported and the others go on; the exit status is 1 if any
    failed.

With -shard i/n, n processes share the work: each syncs only the users whose email,
trimmed and lower-cased, hashes to i (32-bit FNV-1a, modulo n), both those in FILE and
those in the API, so every user is changed by exactly one of them and together they
reach the state one process would. Give each the same FILE and its own i.

With -redis URL, the rate limit is shared through that Redis with every other process
that holds the same key and uses it (github.com/admin/api-go/redislimit): several syncs
and other programs spend one budget instead of each the whole. If Redis is unreachable,
the sync goes on pacing itself alone, with one warning on stderr.

While the API's users are read, stderr counts them. Progress of the changes is a live
bar when stdout is a terminal and one line per user otherwise, followed by a summary
table.`

type options struct {
	file, format, keep string
	dryRun, del        bool
	invite             bool
	concurrency        int
	rate               float64
	shard              Shard
	redis              string
}

// flags defines the flags that set o.
func (o *options) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.file, "file", "", "the users `FILE` to sync from (required)")
	fs.StringVar(&o.format, "format", "", "csv or json (default: from FILE's extension)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&o.del, "delete", false, "delete users missing from FILE instead of deactivating them")
	fs.StringVar(&o.keep, "keep", "", "comma-separated `emails` never deactivated or deleted")
	fs.BoolVar(&o.invite, "invite", true, "email new users an invitation")
	fs.IntVar(&o.concurrency, "concurrency", 4, "users changed at once (1-64)")
	fs.Float64Var(&o.rate, "rate", 0, "at most this many requests a second (default: the limit the server announces)")
	fs.StringVar(&o.redis, "redis", "", "share the rate limit with other processes through the Redis at `URL` (redis://host:port/db)")
	fs.Var(&o.shard, "shard", "sync only shard `i/n` of the users (0 <= i < n), for n processes sharing the work")
}

// check reports a flag value that makes no sense as a usage error.
func (o *options) check() error {
	switch {
	case o.file == "":
		return cli.Usagef("-file is required")
	case o.format != "" && o.format != "csv" && o.format != "json":
		return cli.Usagef("-format %q: want csv or json", o.format)
	case o.concurrency < 1 || o.concurrency > 64:
		return cli.Usagef("-concurrency %d: want 1 to 64", o.concurrency)
	case o.rate < 0:
		return cli.Usagef("-rate %v: must not be negative", o.rate)
	case o.rate > 0 && o.redis != "":
		return cli.Usagef("-rate and -redis: give one")
	}
	return nil
}

// clientOptions returns the client options that the flags call for, with
// shared, the Redis limiter of -redis, if there is one.
func (o *options) clientOptions(shared admin.Option) []admin.Option {
	var opts []admin.Option
	if o.rate > 0 {
		opts = append(opts, admin.WithRateLimit(o.rate, o.concurrency))
	}
	if shared != nil {
		opts = append(opts, shared)
	}
	return opts
}

func main() { cli.Main(prog, run) }

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet(prog, usage, stderr)
	var o options
	o.flags(fs)
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
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

	conn, err := cli.Connect(ctx, prog, env, stderr, cli.Seed{Users: 6, Groups: 3}, o.clientOptions(redisOpt)...)
	if err != nil {
		return err
	}
	defer conn.Close()
	c := conn.Client
	me, err := c.Me.Get(ctx)
	if err != nil {
		return fmt.Errorf("find out whom the credentials act as: %w", err)
	}
	users, groups, err := current(ctx, c, newReadProgress(stderr))
	if err != nil {
		return err
	}

	mine := shardOf(o.shard, records, users)
	plan := MakePlan(mine.records, mine.users, groups, PlanOptions{Delete: o.del, Keep: splitList(o.keep),
		CallerID: me.UserID, CallerEmail: me.Email})
	if !o.shard.All() {
		fmt.Fprintf(stdout, "Shard %s: %d of %s in %s, %d of %s in the API\n", &o.shard,
			len(mine.records), cli.Plural(int64(len(records)), "user"), filepath.Base(o.file),
			len(mine.users), cli.Plural(int64(len(users)), "user"))
	}
	printPlan(stdout, &plan, o.dryRun)
	if me.UserID == "" {
		fmt.Fprintf(stdout, "  (the credentials are OAuth client %s, which acts as no user: no account is excluded)\n", me.ClientID)
	}
	if o.dryRun || plan.Empty() {
		return nil
	}

	bar := newProgress(stdout, len(plan.CreateGroups)+len(plan.Changes))
	a := &applier{c: c, invite: o.invite}
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

// sharded is the part of the file and of the API's users that one shard
// syncs.
type sharded struct {
	records []Record
	users   []admin.User
}

// shardOf returns the records and users that belong to s.
func shardOf(s Shard, records []Record, users []admin.User) sharded {
	if s.All() {
		return sharded{records, users}
	}
	var out sharded
	for _, r := range records {
		if s.Has(r.Email) {
			out.records = append(out.records, r)
		}
	}
	for _, u := range users {
		if s.Has(u.Email) {
			out.users = append(out.users, u)
		}
	}
	return out
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

// current reads every user and the names of every group, reporting its
// progress to p after each page of users.
func current(ctx context.Context, c *admin.Client, p *readProgress) ([]admin.User, []string, error) {
	var users []admin.User
	for page, err := range c.Users.Pages(ctx, &admin.ListUsersParams{Limit: 100}) {
		if err != nil {
			p.stop()
			return nil, nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, page.Data...)
		if page.HasMore {
			p.users(len(users))
		}
	}
	var groups []string
	for g, err := range c.Groups.All(ctx, &admin.ListGroupsParams{Limit: 100}) {
		if err != nil {
			p.stop()
			return nil, nil, fmt.Errorf("list groups: %w", err)
		}
		groups = append(groups, g.Name)
	}
	p.done(len(users), len(groups))
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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range p.Kept {
		fmt.Fprintf(tw, "  keep\t%s\t%s\n", k.Email, k.Why)
	}
	if !detail {
		_ = tw.Flush()
		return
	}
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
