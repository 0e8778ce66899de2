// Command export-audit-logs writes the audit events of a time range to
// JSON Lines, one event a line, oldest first. After each page it saves the
// cursor in a state file, so that an interrupted export continues with
// -resume without losing or repeating an event.
//
//	export-audit-logs -since 7d -action 'user.*' -o users.jsonl
//	export-audit-logs -o users.jsonl -resume     # after Ctrl-C or a crash
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/cli"
)

const prog = "export-audit-logs"

func main() { cli.Main(prog, run) }

type options struct {
	since, until, action, user string
	out, state                 string
	resume, force              bool
	limit, maxPages            int
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet(prog, prog+" [-since T] [-until T] [-action A] [-user ID] [-o FILE [-force]] [-state FILE] [-resume]\n\n"+
		"Writes audit events to JSON Lines (stdout, or FILE), oldest first, with progress on\n"+
		"stderr. T is RFC 3339, a date (YYYY-MM-DD), or a duration before now (90m, 24h, 7d).\n"+
		"After each page written and synced, the cursor is saved atomically in the state file;\n"+
		"-resume continues from it with the query the export started with, cutting the output\n"+
		"back to the last complete page, so no event is lost or written twice.\n"+
		"An existing FILE or state file is never overwritten without -force. An export that\n"+
		"fails before its first page is written leaves no file behind.", stderr)
	var o options
	fs.StringVar(&o.since, "since", "24h", "only events at or after `T`")
	fs.StringVar(&o.until, "until", "", "only events before `T` (default: no bound)")
	fs.StringVar(&o.action, "action", "", "only events with this action, such as user.create, or a prefix such as 'group.*'")
	fs.StringVar(&o.user, "user", "", "only events by the user with this `id`")
	fs.StringVar(&o.out, "o", "", "write to `FILE` instead of stdout")
	fs.StringVar(&o.state, "state", "", "state `FILE` (default: FILE.state with -o; none on stdout unless given)")
	fs.BoolVar(&o.resume, "resume", false, "continue the export saved in the state file")
	fs.BoolVar(&o.force, "force", false, "start afresh, overwriting FILE and the state file")
	fs.IntVar(&o.limit, "limit", 100, "events per page (1-100)")
	fs.IntVar(&o.maxPages, "max-pages", 0, "stop after this many pages, to be resumed later (0: no limit)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if o.out == "-" {
		o.out = ""
	}
	if o.state == "" && o.out != "" {
		o.state = o.out + ".state"
	}
	switch {
	case o.limit < 1 || o.limit > 100:
		return cli.Usagef("-limit %d: want 1 to 100", o.limit)
	case o.maxPages < 0:
		return cli.Usagef("-max-pages %d: must not be negative", o.maxPages)
	case o.resume && o.force:
		return cli.Usagef("-resume continues an export and -force starts one afresh: give one of them")
	case o.resume && o.state == "":
		return cli.Usagef("-resume needs the state file of an export: give the -o FILE (or -state FILE) it was started with")
	}

	st, err := startState(fs, o, time.Now())
	if err != nil {
		return err
	}
	if st.Done {
		fmt.Fprintf(stderr, "%s: the export in %s is complete (%s); nothing to do\n", prog, o.state, cli.Plural(st.Events, "event"))
		return nil
	}
	if !o.resume && !o.force && o.out != "" {
		if _, err := os.Stat(o.out); err == nil {
			return fmt.Errorf("%s exists: give -force to overwrite it, or another -o", o.out)
		}
	}

	conn, err := cli.Connect(ctx, prog, env, stderr, cli.Seed{Users: 5, Groups: 2, Prepare: makeActivity})
	if err != nil {
		return err
	}
	defer conn.Close()
	if conn.Server != nil && o.resume {
		return errors.New("-resume needs the real API: the embedded server starts afresh on each run")
	}

	w := &output{o: o, st: &st, stdout: stdout}
	defer w.close()
	if o.resume {
		if err := w.open(); err != nil {
			return err
		}
	}
	return export(ctx, conn.Client, o, st, w, stderr)
}

// startState returns the state to start from: the saved one with -resume,
// a new one from the flags otherwise. Without -force, a fresh export does
// not replace a saved one.
func startState(fs *flag.FlagSet, o options, now time.Time) (State, error) {
	var saved State
	var ok bool
	if o.state != "" {
		var err error
		if saved, ok, err = loadState(o.state); err != nil {
			return State{}, err
		}
	}
	if o.resume {
		if !ok {
			return State{}, fmt.Errorf("-resume: no state file %s", o.state)
		}
		var given []string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "since", "until", "action", "user":
				given = append(given, "-"+f.Name)
			}
		})
		if len(given) > 0 {
			return State{}, cli.Usagef("-resume continues the saved query; do not give %v", given)
		}
		return saved, nil
	}
	switch {
	case ok && saved.Done && !o.force:
		return State{}, fmt.Errorf("%s records a complete export (%s): give -force to export again over it, or another -o",
			o.state, cli.Plural(saved.Events, "event"))
	case ok && !o.force:
		return State{}, fmt.Errorf("%s holds an unfinished export (%s so far): continue it with -resume, or give -force to start again",
			o.state, cli.Plural(saved.Events, "event"))
	}
	q := Query{Action: o.action, UserID: o.user}
	var err error
	if q.Since, err = parseTime(o.since, now); err != nil {
		return State{}, cli.Usagef("-since: %w", err)
	}
	if q.Until, err = parseTime(o.until, now); err != nil {
		return State{}, cli.Usagef("-until: %w", err)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.After(q.Since) {
		return State{}, cli.Usagef("-until must be after -since")
	}
	return State{Version: stateVersion, Query: q}, nil
}

// output is where events go: a file that is synced after each page, or
// stdout. A new file is only created when the first page has arrived, so
// that an export that fails at once leaves nothing behind.
type output struct {
	o      options
	st     *State
	stdout io.Writer
	bw     *bufio.Writer // nil until open
	file   *os.File      // nil for stdout
}

// open opens the output: stdout, a new file, or (resuming) the file cut
// back to the size saved with the last complete page.
func (w *output) open() error {
	if w.bw != nil {
		return nil
	}
	if w.o.out == "" {
		w.bw = bufio.NewWriter(w.stdout)
		return nil
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if w.o.resume {
		flags = os.O_WRONLY
	} else if w.o.state != "" {
		// -force: the old state must not outlive the output it described.
		if err := os.Remove(w.o.state); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	f, err := os.OpenFile(w.o.out, flags, 0o644)
	if err != nil {
		return err
	}
	if w.o.resume {
		fi, err := f.Stat()
		if err == nil && fi.Size() < w.st.OutputSize {
			err = fmt.Errorf("%s has %d bytes, fewer than the %d the state file recorded: was it changed?", w.o.out, fi.Size(), w.st.OutputSize)
		}
		if err == nil {
			err = f.Truncate(w.st.OutputSize)
		}
		if err == nil {
			_, err = f.Seek(w.st.OutputSize, io.SeekStart)
		}
		if err != nil {
			_ = f.Close()
			return err
		}
	}
	w.bw, w.file = bufio.NewWriter(f), f
	return nil
}

// flush makes everything written so far durable.
func (w *output) flush() error {
	if err := w.bw.Flush(); err != nil {
		return err
	}
	if w.file != nil {
		return w.file.Sync()
	}
	return nil
}

func (w *output) close() {
	if w.file != nil {
		_ = w.file.Close()
	}
}

// export walks the log page by page from st.Cursor with Pages, which
// refuses a server that repeats an event or a cursor, and saves the state
// after each page: a cursor is only saved once its page is written and
// synced.
func export(ctx context.Context, c *admin.Client, o options, st State, w *output, stderr io.Writer) error {
	p := admin.ListAuditLogsParams{Action: st.Query.Action, UserID: st.Query.UserID,
		StartTime: st.Query.Since, EndTime: st.Query.Until, Limit: o.limit, Cursor: st.Cursor}
	if o.resume {
		fmt.Fprintf(stderr, "%s: resuming after %s (%s)\n", prog, cli.Plural(st.Events, "event"), cli.Plural(int64(st.Pages), "page"))
	}
	pages := 0
	for page, err := range c.AuditLogs.Pages(ctx, &p) {
		if err != nil {
			return stopped(st, o, fmt.Errorf("list audit logs: %w", err))
		}
		if err := writePage(w, &st, page); err != nil {
			return stopped(st, o, err)
		}
		if o.state != "" {
			if err := saveState(o.state, st); err != nil {
				return stopped(st, o, err)
			}
		}
		last := "-"
		if k := len(page.Data); k > 0 {
			last = page.Data[k-1].CreatedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(stderr, "%s: page %d: %s, %d in all, up to %s\n", prog, st.Pages, cli.Plural(int64(len(page.Data)), "event"), st.Events, last)
		if st.Done {
			fmt.Fprintf(stderr, "%s: done: %s\n", prog, cli.Plural(st.Events, "event"))
			return nil
		}
		if pages++; pages == o.maxPages {
			fmt.Fprintf(stderr, "%s: stopped after %s as -max-pages asks; %s\n", prog, cli.Plural(int64(o.maxPages), "page"), howToContinue(o))
			return nil
		}
	}
	return stopped(st, o, errors.New("list audit logs: the walk ended before a last page"))
}

// writePage writes the events of page and syncs them, and records them in
// st.
func writePage(w *output, st *State, page *admin.Page[admin.AuditEvent]) error {
	if err := w.open(); err != nil {
		return err
	}
	var n int64
	for _, ev := range page.Data {
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("encode event %s: %w", ev.ID, err)
		}
		b = append(b, '\n')
		if _, err := w.bw.Write(b); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		n += int64(len(b))
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	st.Pages++
	st.Events += int64(len(page.Data))
	st.OutputSize += n
	st.Cursor, st.Done = page.NextCursor, !page.HasMore
	return nil
}

// howToContinue says how to go on with the export o describes.
func howToContinue(o options) string {
	switch {
	case o.state == "":
		return "to make an export resumable, give -o FILE or -state FILE"
	case o.out == "":
		return "continue with -state " + o.state + " -resume"
	case o.state != o.out+".state":
		return "continue with -o " + o.out + " -state " + o.state + " -resume"
	}
	return "continue with -o " + o.out + " -resume"
}

// stopped adds to err, which stopped an export at st, what was written
// and how to go on, in one line.
func stopped(st State, o options, err error) error {
	if st.Pages == 0 && !o.resume {
		return fmt.Errorf("%w; nothing written", err)
	}
	return fmt.Errorf("%w; stopped after %s; %s", err, cli.Plural(st.Events, "event"), howToContinue(o))
}

// makeActivity gives the embedded server's audit log something to export.
func makeActivity(ctx context.Context, c *admin.Client, _ *admintest.Server) error {
	for i := range 12 {
		u, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: fmt.Sprintf("Demo User %d", i),
			Email: fmt.Sprintf("demo-%d@example.com", i), Role: admin.RoleViewer})
		if err != nil {
			return err
		}
		if _, err := c.Users.Update(ctx, u.ID, &admin.UpdateUserParams{Role: admin.Ptr(admin.RoleEditor)}); err != nil {
			return err
		}
		if err := c.Groups.AddMember(ctx, "group-1", u.ID); err != nil {
			return err
		}
	}
	return nil
}
