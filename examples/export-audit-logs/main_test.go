package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/clitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setup starts a server whose audit log holds 3*n events (opts may add a
// middleware) and returns it with a directory for output files.
func setup(t *testing.T, n int, opts ...admintest.Option) (*admintest.Server, string) {
	t.Helper()
	srv := clitest.Server(t, append([]admintest.Option{admintest.WithSeedData(0, 1, 0)}, opts...)...)
	c, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithAPIKey(srv.APIKey))
	require.NoError(t, err)
	for i := range n {
		u, err := c.Users.Create(t.Context(), &admin.CreateUserParams{Name: "U", Email: fmt.Sprintf("u%d@example.com", i), Role: admin.RoleViewer})
		require.NoError(t, err)
		_, err = c.Users.Update(t.Context(), u.ID, &admin.UpdateUserParams{Name: admin.Ptr("V")})
		require.NoError(t, err)
		require.NoError(t, c.Groups.AddMember(t.Context(), "group-1", u.ID))
	}
	require.Len(t, srv.AuditLog(), 3*n)
	return srv, t.TempDir()
}

// readIDs returns the event ids of a JSON Lines export, failing on any
// line that is not a whole event.
func readIDs(t *testing.T, data string) []string {
	t.Helper()
	var ids []string
	for i, line := range strings.SplitAfter(data, "\n") {
		if line == "" {
			continue
		}
		require.True(t, strings.HasSuffix(line, "\n"), "line %d is cut short: %q", i+1, line)
		var ev admin.AuditEvent
		require.NoError(t, json.Unmarshal([]byte(line), &ev), "line %d", i+1)
		require.NotEmpty(t, ev.ID)
		ids = append(ids, ev.ID)
	}
	return ids
}

func serverIDs(srv *admintest.Server, keep func(admintest.AuditEvent) bool) []string {
	var ids []string
	for _, ev := range srv.AuditLog() {
		if keep == nil || keep(ev) {
			ids = append(ids, ev.ID)
		}
	}
	return ids
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestExportToStdout(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, 4)
	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-limit", "5")
	require.NoError(t, r.Err, r.Stderr)
	assert.Equal(t, serverIDs(srv, nil), readIDs(t, r.Stdout))
	assert.Contains(t, r.Stderr, "export-audit-logs: page 1: 5 events, 5 in all, up to ")
	assert.Contains(t, r.Stderr, "page 3: 2 events, 12 in all")
	assert.True(t, strings.HasSuffix(r.Stderr, "export-audit-logs: done: 12 events\n"), r.Stderr)

	var first admin.AuditEvent
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(r.Stdout, "\n", 2)[0]), &first))
	want := srv.AuditLog()[0]
	assert.Equal(t, want.Action, first.Action)
	assert.Equal(t, want.TargetID, first.TargetID)
	assert.Equal(t, want.Metadata["email"], first.Metadata["email"])
}

func TestExportDashIsStdout(t *testing.T) {
	t.Parallel()
	srv, dir := setup(t, 1)
	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-o", "-", "-state", filepath.Join(dir, "s"), "-limit", "2")
	require.NoError(t, r.Err, r.Stderr)
	assert.Equal(t, serverIDs(srv, nil), readIDs(t, r.Stdout))
	st, ok, err := loadState(filepath.Join(dir, "s"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, st.Done)
	assert.Equal(t, int64(3), st.Events)
	_, err = os.Stat("-")
	assert.ErrorIs(t, err, os.ErrNotExist, "no file named -")
}

func TestExportFilters(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, 3)
	log := srv.AuditLog()
	tests := []struct {
		name string
		args []string
		keep func(admintest.AuditEvent) bool
	}{
		{"action", []string{"-action", "user.update"}, func(e admintest.AuditEvent) bool { return e.Action == "user.update" }},
		{"action prefix", []string{"-action", "group.*"}, func(e admintest.AuditEvent) bool { return strings.HasPrefix(e.Action, "group.") }},
		{"user", []string{"-user", srv.AdminUserID}, nil},
		{"other user", []string{"-user", "usr_nobody"}, func(admintest.AuditEvent) bool { return false }},
		{"from the fourth event", []string{"-since", log[3].CreatedAt.Format("2006-01-02T15:04:05.999999999Z07:00")},
			func(e admintest.AuditEvent) bool { return !e.CreatedAt.Before(log[3].CreatedAt) }},
		{"until the fourth event", []string{"-since", "1h", "-until", log[3].CreatedAt.Format("2006-01-02T15:04:05.999999999Z07:00")},
			func(e admintest.AuditEvent) bool { return e.CreatedAt.Before(log[3].CreatedAt) }},
		{"in the future", []string{"-since", "2999-01-01"}, func(admintest.AuditEvent) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.Run(t.Context(), run, clitest.Env(srv), append(tt.args, "-limit", "2")...)
			require.NoError(t, r.Err, r.Stderr)
			assert.Equal(t, serverIDs(srv, tt.keep), readIDs(t, r.Stdout))
		})
	}
}

func TestExportResumeAfterMaxPages(t *testing.T) {
	t.Parallel()
	srv, dir := setup(t, 5)
	out := filepath.Join(dir, "audit.jsonl")
	env := clitest.Env(srv)

	r := clitest.Run(t.Context(), run, env, "-o", out, "-limit", "4", "-max-pages", "2")
	require.NoError(t, r.Err, r.Stderr)
	assert.Empty(t, r.Stdout)
	assert.Contains(t, r.Stderr, "stopped after 2 pages as -max-pages asks; continue with -o "+out+" -resume\n")
	first := readIDs(t, readFile(t, out))
	require.Len(t, first, 8)
	st, ok, err := loadState(out + ".state")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, State{Version: 1, Query: st.Query, Cursor: st.Cursor, Pages: 2, Events: 8, OutputSize: int64(len(readFile(t, out)))}, st)
	assert.NotEmpty(t, st.Cursor)

	// New events written meanwhile are part of the export: it has no end.
	c, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithAPIKey(srv.APIKey))
	require.NoError(t, err)
	_, err = c.Users.Create(t.Context(), &admin.CreateUserParams{Name: "Late", Email: "late@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)

	r = clitest.Run(t.Context(), run, env, "-o", out, "-resume", "-limit", "4", "-max-pages", "1")
	require.NoError(t, r.Err, r.Stderr)
	assert.Contains(t, r.Stderr, "resuming after 8 events (2 pages)")
	r = clitest.Run(t.Context(), run, env, "-o", out, "-resume")
	require.NoError(t, r.Err, r.Stderr)
	assert.Contains(t, r.Stderr, "done: 16 events")
	assert.Equal(t, serverIDs(srv, nil), readIDs(t, readFile(t, out)), "every event exactly once, in order")

	r = clitest.Run(t.Context(), run, env, "-o", out, "-resume")
	require.NoError(t, r.Err)
	assert.Contains(t, r.Stderr, "is complete (16 events); nothing to do")
}

func TestExportResumeAfterInterrupt(t *testing.T) {
	t.Parallel()
	// The third audit-log request cancels the export's context, as
	// Ctrl-C would, and waits for the client to give up.
	ctx, cancel := context.WithCancel(t.Context())
	var calls atomic.Int32
	interrupt := admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/audit-logs" && calls.Add(1) == 3 {
				cancel()
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	srv, dir := setup(t, 6, interrupt)
	out := filepath.Join(dir, "audit.jsonl")
	state := filepath.Join(dir, "custom.state")

	r := clitest.Run(ctx, run, clitest.Env(srv), "-o", out, "-state", state, "-limit", "5", "-since", "2000-01-01")
	require.ErrorIs(t, r.Err, context.Canceled)
	assert.Contains(t, r.Err.Error(), "; stopped after 10 events; continue with -o "+out+" -state "+state+" -resume")
	assert.NotContains(t, r.Stderr, "stopped", "one line says what happened: the error")
	require.Len(t, readIDs(t, readFile(t, out)), 10)

	// A crash while the next page was being written leaves part of it.
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"id":"evt_partial","action":"` + strings.Repeat("x", 1<<16))
	require.NoError(t, err)
	require.NoError(t, f.Close())

	r = clitest.Run(t.Context(), run, clitest.Env(srv), "-o", out, "-state", state, "-resume", "-limit", "5")
	require.NoError(t, r.Err, r.Stderr)
	assert.Equal(t, serverIDs(srv, nil), readIDs(t, readFile(t, out)), "every event exactly once, in order")
}

func TestExportRefusals(t *testing.T) {
	t.Parallel()
	srv, dir := setup(t, 2)
	env := clitest.Env(srv)
	unfinished := filepath.Join(dir, "unfinished.jsonl")
	r := clitest.Run(t.Context(), run, env, "-o", unfinished, "-limit", "1", "-max-pages", "1")
	require.NoError(t, r.Err)
	shrunk := filepath.Join(dir, "shrunk.jsonl")
	r = clitest.Run(t.Context(), run, env, "-o", shrunk, "-limit", "2", "-max-pages", "1")
	require.NoError(t, r.Err)
	require.NoError(t, os.Truncate(shrunk, 10))
	badState := filepath.Join(dir, "bad.state")
	require.NoError(t, os.WriteFile(badState, []byte(`{"version": 7}`), 0o644))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"resume without state", []string{"-resume"}, "-resume needs the state file of an export: give the -o FILE (or -state FILE) it was started with"},
		{"resume with no state file", []string{"-resume", "-o", filepath.Join(dir, "none.jsonl")}, "-resume: no state file"},
		{"resume with a new query", []string{"-resume", "-o", unfinished, "-since", "1h"}, "-resume continues the saved query; do not give [-since]"},
		{"unfinished export", []string{"-o", unfinished}, "unfinished.jsonl.state holds an unfinished export (1 event so far): continue it with -resume, or give -force to start again"},
		{"resume and force", []string{"-o", unfinished, "-resume", "-force"}, "-resume continues an export and -force starts one afresh: give one of them"},
		{"output changed", []string{"-resume", "-o", shrunk}, "fewer than the"},
		{"bad state version", []string{"-state", badState}, "version 7, want 1"},
		{"bad since", []string{"-since", "yesterday"}, `-since: "yesterday" is neither a time`},
		{"bad until", []string{"-until", "-5h"}, `-until: "-5h" is neither`},
		{"empty range", []string{"-since", "2025-01-02", "-until", "2025-01-01"}, "-until must be after -since"},
		{"bad limit", []string{"-limit", "101"}, "-limit 101: want 1 to 100"},
		{"bad max pages", []string{"-max-pages", "-1"}, "-max-pages -1: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.Run(t.Context(), run, env, tt.args...)
			require.Error(t, r.Err)
			assert.Contains(t, r.Err.Error(), tt.want)
		})
	}
	r = clitest.Run(t.Context(), run, env, "-h")
	require.ErrorIs(t, r.Err, flag.ErrHelp)
	assert.Contains(t, r.Stderr, "Usage: export-audit-logs")
}

func TestExportEmbedded(t *testing.T) {
	t.Parallel()
	r := clitest.Run(t.Context(), run, clitest.NoEnv, "-action", "user.create")
	require.NoError(t, r.Err)
	assert.Len(t, readIDs(t, r.Stdout), 12)
	assert.Contains(t, r.Stderr, "embedded fake server")

	dir := t.TempDir()
	out := filepath.Join(dir, "x.jsonl")
	r = clitest.Run(t.Context(), run, clitest.NoEnv, "-o", out, "-max-pages", "1", "-limit", "1")
	require.NoError(t, r.Err)
	r = clitest.Run(t.Context(), run, clitest.NoEnv, "-o", out, "-resume")
	require.EqualError(t, r.Err, "-resume needs the real API: the embedded server starts afresh on each run")
}

// failAuditLogs answers 403 to audit-log requests from the nth on while
// on is set: a failure the client does not retry.
func failAuditLogs(n int32, on *atomic.Bool) admintest.Option {
	var calls atomic.Int32
	return admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/audit-logs" && on.Load() && calls.Add(1) >= n {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"error":{"code":"forbidden","message":"not now","status":403}}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
}

func exists(t *testing.T, path string) bool {
	t.Helper()
	_, err := os.Stat(path)
	if err != nil {
		require.ErrorIs(t, err, os.ErrNotExist)
	}
	return err == nil
}

func TestExportFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		failFrom int32  // the first audit-log request that fails
		line     string // the error line, after the "list audit logs: ... 403 ..." part
		kept     bool   // the output and state files are kept
		again    string // the flag that finishes the export once the server is back
	}{
		{"first page", 1, "; nothing written", false, ""},
		{"second page", 2, "; stopped after 4 events; continue with -o OUT -resume", true, "-resume"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var on atomic.Bool
			on.Store(true)
			srv, dir := setup(t, 3, failAuditLogs(tt.failFrom, &on))
			out := filepath.Join(dir, "audit.jsonl")

			r := clitest.Run(t.Context(), run, clitest.Env(srv), "-o", out, "-limit", "4")
			require.Error(t, r.Err)
			assert.NotContains(t, r.Stderr, "stopped", "the error is the only line that says what happened")
			code, line := r.Exit(prog)
			assert.Equal(t, 1, code)
			assert.Regexp(t, `^export-audit-logs: list audit logs: .*403.*`+regexp.QuoteMeta(strings.ReplaceAll(tt.line, "OUT", out))+"\n$", line)
			assert.Equal(t, tt.kept, exists(t, out), "output file")
			assert.Equal(t, tt.kept, exists(t, out+".state"), "state file")

			on.Store(false)
			args := []string{"-o", out}
			if tt.again != "" {
				args = append(args, tt.again)
			}
			r = clitest.Run(t.Context(), run, clitest.Env(srv), args...)
			require.NoError(t, r.Err, r.Stderr)
			assert.Equal(t, serverIDs(srv, nil), readIDs(t, readFile(t, out)))
		})
	}
}

func TestExportOverwrite(t *testing.T) {
	t.Parallel()
	srv, dir := setup(t, 2)
	env := clitest.Env(srv)
	finished := filepath.Join(dir, "finished.jsonl")
	require.NoError(t, clitest.Run(t.Context(), run, env, "-o", finished).Err)
	before := readFile(t, finished)
	other := filepath.Join(dir, "other.jsonl")
	require.NoError(t, os.WriteFile(other, []byte("keep me\n"), 0o644))
	// More events, so that an overwrite would change the file.
	c, err := admin.NewClient(admin.WithBaseURL(srv.URL), admin.WithAPIKey(srv.APIKey))
	require.NoError(t, err)
	_, err = c.Users.Create(t.Context(), &admin.CreateUserParams{Name: "Late", Email: "late@example.com", Role: admin.RoleViewer})
	require.NoError(t, err)

	tests := []struct {
		name  string
		args  []string
		err   string // "" for success
		after string // the file's content afterwards, "" for the server's events
	}{
		{"finished export", []string{"-o", finished}, "finished.jsonl.state records a complete export (6 events): give -force to export again over it, or another -o", before},
		{"finished export to stdout", []string{"-state", finished + ".state"}, "records a complete export (6 events): give -force", before},
		{"resume a finished export", []string{"-o", finished, "-resume"}, "", before},
		{"file without state", []string{"-o", other}, "other.jsonl exists: give -force to overwrite it, or another -o", "keep me\n"},
		{"forced over a file", []string{"-o", other, "-force"}, "", ""},
	}
	for _, tt := range tests { // in order: the last one changes a file
		r := clitest.Run(t.Context(), run, env, tt.args...)
		if tt.err == "" {
			require.NoError(t, r.Err, tt.name)
		} else {
			require.Error(t, r.Err, tt.name)
			assert.Contains(t, r.Err.Error(), tt.err, tt.name)
		}
		path := tt.args[1]
		if tt.args[0] == "-state" {
			path = finished
		}
		if tt.after == "" {
			assert.Equal(t, serverIDs(srv, nil), readIDs(t, readFile(t, path)), tt.name)
		} else {
			assert.Equal(t, tt.after, readFile(t, path), tt.name)
		}
	}

	r := clitest.Run(t.Context(), run, env, "-o", finished, "-force")
	require.NoError(t, r.Err)
	assert.Equal(t, serverIDs(srv, nil), readIDs(t, readFile(t, finished)), "-force exports again over a finished export")
	st, ok, err := loadState(finished + ".state")
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, st.Done)
	assert.Equal(t, int64(7), st.Events)
}

func TestExportMessages(t *testing.T) {
	t.Parallel()
	srv, dir := setup(t, 1) // three events
	env := clitest.Env(srv)
	state := filepath.Join(dir, "s.state")
	tests := []struct {
		name   string
		args   []string
		stderr []string // the lines on stderr, after the page lines' timestamps are cut
		code   int
		line   string
	}{
		{name: "one event", args: []string{"-action", "user.create"}, stderr: []string{
			"export-audit-logs: page 1: 1 event, 1 in all, up to",
			"export-audit-logs: done: 1 event",
		}},
		{name: "stdout stops without state", args: []string{"-limit", "1", "-max-pages", "1"}, stderr: []string{
			"export-audit-logs: page 1: 1 event, 1 in all, up to",
			"export-audit-logs: stopped after 1 page as -max-pages asks; to make an export resumable, give -o FILE or -state FILE",
		}},
		{name: "stdout stops with state", args: []string{"-limit", "1", "-max-pages", "1", "-state", state}, stderr: []string{
			"export-audit-logs: page 1: 1 event, 1 in all, up to",
			"export-audit-logs: stopped after 1 page as -max-pages asks; continue with -state " + state + " -resume",
		}},
		{name: "resume on stdout", args: []string{"-state", state, "-resume", "-limit", "1", "-max-pages", "1"}, stderr: []string{
			"export-audit-logs: resuming after 1 event (1 page)",
			"export-audit-logs: page 2: 1 event, 2 in all, up to",
			"export-audit-logs: stopped after 1 page as -max-pages asks; continue with -state " + state + " -resume",
		}},
		{name: "resume without state", args: []string{"-resume"}, code: 2,
			line: "export-audit-logs: -resume needs the state file of an export: give the -o FILE (or -state FILE) it was started with; -h for help\n"},
	}
	for _, tt := range tests { // in order: the resumes continue the exports before them
		r := clitest.Run(t.Context(), run, env, tt.args...)
		code, line := r.Exit(prog)
		assert.Equal(t, tt.code, code, tt.name)
		assert.Equal(t, tt.line, line, tt.name)
		var got []string
		for l := range strings.Lines(r.Stderr) {
			if i := strings.Index(l, " up to "); i >= 0 {
				l = l[:i+len(" up to")]
			}
			got = append(got, strings.TrimSuffix(l, "\n"))
		}
		assert.Equal(t, tt.stderr, got, tt.name)
	}
}

// TestExportRefusesALostServer has a server that goes round in circles:
// its third page's next cursor is the first page's. The export stops with
// an error instead of writing the second and third pages again and again.
func TestExportRefusesALostServer(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var first atomic.Value // the first page's next cursor
	lost := admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/audit-logs" {
				next.ServeHTTP(w, r)
				return
			}
			n := calls.Add(1)
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				http.Error(w, err.Error(), http.StatusTeapot)
				return
			}
			meta, _ := body["meta"].(map[string]any)
			switch n {
			case 1:
				first.Store(meta["next_cursor"])
			case 3:
				meta["next_cursor"] = first.Load()
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(body)
		})
	})
	srv, dir := setup(t, 3, lost)
	out := filepath.Join(dir, "audit.jsonl")
	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-o", out, "-limit", "2", "-max-pages", "6")
	require.Error(t, r.Err)
	code, line := r.Exit(prog)
	assert.Equal(t, 1, code)
	assert.Regexp(t, `^export-audit-logs: list audit logs: .*cursor.*; stopped after \d events; continue with -o `, line)
	ids := readIDs(t, readFile(t, out))
	assert.NotEmpty(t, ids)
	assert.Equal(t, serverIDs(srv, nil)[:len(ids)], ids, "every event once, in order")
}
