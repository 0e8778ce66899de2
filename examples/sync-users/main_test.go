package main

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/clitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// theFile is the identity export the tests sync from. Against a server
// seeded with 6 users and 3 groups it keeps seed users 1 (unchanged but
// for groups) to 3, renames and re-roles user 2, creates Ada and Grace and
// the group "analytics", and leaves users 4 to 6 out.
const theFile = `email,name,role,groups
seed-user-1@example.com,Seed User 1,admin,group-1
Seed-User-2@Example.com,Seed User Two,viewer,group-1;group-2
seed-user-3@example.com,Seed User 3,viewer,
ada@example.com,Ada Lovelace,researcher,group-2;analytics
grace@example.com,Grace Hopper,ml_engineer,analytics
`

type fixture struct {
	srv  *admintest.Server
	env  func(string) string
	file string
	me   string // the admin key's email
}

func setup(t *testing.T, content, name string, opts ...admintest.Option) *fixture {
	t.Helper()
	srv := clitest.Server(t, append([]admintest.Option{admintest.WithSeedData(6, 3, 0)}, opts...)...)
	file := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(file, []byte(content), 0o600))
	me, ok := srv.User(srv.AdminUserID)
	require.True(t, ok)
	return &fixture{srv: srv, env: clitest.Env(srv), file: file, me: me.Email}
}

func (f *fixture) run(ctx context.Context, args ...string) clitest.Result {
	return clitest.Run(ctx, run, f.env, append([]string{"-file", f.file}, args...)...)
}

// keptLine is the plan's line for the admin key's own user.
const keptLine = "  keep  admin@admintest.local  the account this sync runs as: never deactivated or deleted"

// assertSynced checks that the server holds what theFile says, and that
// the users it leaves out have status (or are gone, for "deleted").
func assertSynced(t *testing.T, srv *admintest.Server, missing string) {
	t.Helper()
	recs, err := ParseRecords(strings.NewReader(theFile), "csv")
	require.NoError(t, err)
	for _, r := range recs {
		u, ok := srv.UserByEmail(r.Email)
		require.True(t, ok, r.Email)
		assert.Equal(t, r.Name, u.Name, r.Email)
		assert.Equal(t, string(r.Role), u.Role, r.Email)
		assert.NotEqual(t, "inactive", u.Status, r.Email)
		assert.ElementsMatch(t, uniqueSorted(r.Groups), u.Groups, r.Email)
	}
	for _, e := range []string{"seed-user-4@example.com", "seed-user-5@example.com", "seed-user-6@example.com"} {
		u, ok := srv.UserByEmail(e)
		if missing == "deleted" {
			assert.False(t, ok, e)
			continue
		}
		require.True(t, ok, e)
		assert.Equal(t, missing, u.Status, e)
	}
	me, ok := srv.User(srv.AdminUserID)
	require.True(t, ok)
	assert.Equal(t, "active", me.Status, "the sync never deactivates the account it runs as")
}

func changes(srv *admintest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

func TestSync(t *testing.T) {
	t.Parallel()
	f := setup(t, theFile, "people.csv")

	r := f.run(t.Context(), "-concurrency", "3")
	require.NoError(t, r.Err, r.Stderr)
	assert.Equal(t, "sync-users: read 7 users and 3 groups\n", r.Stderr)
	assertSynced(t, f.srv, "inactive")
	for _, g := range f.srv.Groups() {
		if g.Name == "analytics" {
			assert.Empty(t, g.Roles, "new groups get no roles")
		}
	}
	lines := strings.Split(r.Stdout, "\n")
	assert.Equal(t, "Plan: create 2, update 1, deactivate 3, delete 0, group changes 6, new groups 1, unchanged 1", lines[0])
	assert.Equal(t, keptLine, lines[1])
	assert.Equal(t, "[1/8] create group analytics: ok", lines[2], "groups come first")
	for i, l := range lines[2:10] {
		assert.Regexp(t, `^\[\d/8\] .+: ok$`, l, i)
	}
	assert.Contains(t, r.Stdout, "] update Seed-User-2@Example.com: ok\n")
	assert.Contains(t, r.Stdout, "] groups seed-user-3@example.com: ok\n")
	assert.True(t, strings.HasSuffix(r.Stdout, `Summary:
  created         2
  updated         1
  deactivated     3
  deleted         0
  group changes   6
  groups created  1
  failed          0
  unchanged       1
`), r.Stdout)

	// A second run finds nothing to do and sends no change.
	before := changes(f.srv)
	r = f.run(t.Context())
	require.NoError(t, r.Err, r.Stderr)
	assert.Equal(t, "Plan: create 0, update 0, deactivate 0, delete 0, group changes 0, new groups 0, unchanged 8\n"+keptLine+"\n", r.Stdout)
	assert.Equal(t, before, changes(f.srv))
}

func TestSyncDryRun(t *testing.T) {
	t.Parallel()
	f := setup(t, theFile, "people.csv")
	r := f.run(t.Context(), "-dry-run")
	require.NoError(t, r.Err, r.Stderr)
	assert.Zero(t, changes(f.srv))
	assert.Equal(t, `Plan: create 2, update 1, deactivate 3, delete 0, group changes 6, new groups 1, unchanged 1
  keep          admin@admintest.local    the account this sync runs as: never deactivated or deleted
  create group  analytics                (no roles)
  create        ada@example.com          name="Ada Lovelace" role=researcher; groups +analytics +group-2
  create        grace@example.com        name="Grace Hopper" role=ml_engineer; groups +analytics
  update        Seed-User-2@Example.com  name "Seed User 2" -> "Seed User Two"; role editor -> viewer
  groups        seed-user-3@example.com  groups -group-1 -group-2 -group-3
  deactivate    seed-user-4@example.com
  deactivate    seed-user-5@example.com
  deactivate    seed-user-6@example.com
Dry run: nothing changed.
`, r.Stdout)
}

func TestSyncDeleteFromJSON(t *testing.T) {
	t.Parallel()
	recs, err := ParseRecords(strings.NewReader(theFile), "csv")
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("[")
	for i, r := range recs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"email":"` + r.Email + `","name":"` + r.Name + `","role":"` + string(r.Role) + `","groups":["` + strings.Join(r.Groups, `","`) + `"]}`)
	}
	b.WriteString("]")
	f := setup(t, b.String(), "people.json")
	r := f.run(t.Context(), "-delete", "-concurrency", "1")
	require.NoError(t, r.Err, r.Stderr)
	assertSynced(t, f.srv, "deleted")
	assert.Contains(t, r.Stdout, "  deleted         3\n")
}

func TestSyncReactivates(t *testing.T) {
	t.Parallel()
	f := setup(t, theFile, "people.csv")
	require.NoError(t, f.run(t.Context()).Err)
	// seed-user-4 comes back in the file.
	require.NoError(t, os.WriteFile(f.file, []byte(theFile+"seed-user-4@example.com,Seed User 4,department_admin,\n"), 0o600))
	r := f.run(t.Context(), "-dry-run")
	require.NoError(t, r.Err)
	assert.Contains(t, r.Stdout, "update  seed-user-4@example.com  status inactive -> active; groups -group-2 -group-3\n")
	require.NoError(t, f.run(t.Context()).Err)
	u, _ := f.srv.UserByEmail("seed-user-4@example.com")
	assert.Equal(t, "active", u.Status)
}

// failFor answers 403 to every change of the user with the email's id
// while on is set, as a server might refuse to touch a protected account.
func failFor(srv **admintest.Server, email string, on *atomic.Bool) admintest.Option {
	return admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if on.Load() && r.Method != http.MethodGet {
				if u, ok := (*srv).UserByEmail(email); ok && strings.Contains(r.URL.Path, u.ID) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusForbidden)
					_, _ = w.Write([]byte(`{"error":{"code":"forbidden","message":"protected user","status":403}}`))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
}

func TestSyncOneFailureDoesNotStopTheOthers(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	var srv *admintest.Server
	f := setup(t, theFile, "people.csv", failFor(&srv, "seed-user-2@example.com", &on))
	srv = f.srv

	r := f.run(t.Context())
	require.EqualError(t, r.Err, "1 of 8 changes failed; see above, then run again")
	assert.Regexp(t, `\] update Seed-User-2@Example.com: FAILED: update: admin: PATCH /v1/users/\S+: .*403`, r.Stdout)
	assert.Contains(t, r.Stdout, "  failed          1\n")
	assert.Contains(t, r.Stdout, "  created         2\n")
	assert.Contains(t, r.Stdout, "  deactivated     3\n")
	u, _ := f.srv.UserByEmail("seed-user-2@example.com")
	assert.Equal(t, "Seed User 2", u.Name)

	on.Store(false)
	r = f.run(t.Context())
	require.NoError(t, r.Err, r.Stdout)
	assert.Contains(t, r.Stdout, "Plan: create 0, update 1, deactivate 0, delete 0, group changes 0,")
	assertSynced(t, f.srv, "inactive")
}

func TestSyncConvergesAfterInterruption(t *testing.T) {
	t.Parallel()
	// The fourth change cancels the run's context, as Ctrl-C would.
	ctx, cancel := context.WithCancel(t.Context())
	var n atomic.Int32
	stop := admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && n.Add(1) == 4 {
				cancel()
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	f := setup(t, theFile, "people.csv", stop)
	r := f.run(ctx, "-concurrency", "1")
	require.ErrorIs(t, r.Err, context.Canceled)
	assert.Contains(t, r.Err.Error(), "interrupted; run again to finish")

	r = f.run(t.Context())
	require.NoError(t, r.Err, r.Stdout)
	assertSynced(t, f.srv, "inactive")
	r = f.run(t.Context(), "-dry-run")
	require.NoError(t, r.Err)
	assert.Contains(t, r.Stdout, "unchanged 8\n"+keptLine+"\nNothing to do.\n")
}

// TestSyncCreateRace has another client create Ada between the plan and
// the create: the 409 makes the sync plan Ada again and update her.
func TestSyncCreateRace(t *testing.T) {
	t.Parallel()
	var srvURL, key string
	var once atomic.Bool
	race := admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/v1/users" && once.CompareAndSwap(false, true) {
				c, err := admin.NewClient(admin.WithBaseURL(srvURL), admin.WithAPIKey(key))
				if err == nil {
					_, err = c.Users.Create(r.Context(), &admin.CreateUserParams{Name: "Someone Else",
						Email: "ADA@example.com", Role: admin.RoleViewer})
				}
				if err != nil {
					http.Error(w, err.Error(), http.StatusTeapot)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	f := setup(t, "email,name,role,groups\nada@example.com,Ada Lovelace,researcher,group-2\n", "people.csv", race)
	srvURL, key = f.srv.URL, f.srv.APIKey
	r := f.run(t.Context(), "-keep", "seed-user-1@example.com")
	require.NoError(t, r.Err, r.Stdout)
	assert.Contains(t, r.Stdout, "] update ada@example.com: ok\n", "the create became an update")
	assert.Contains(t, r.Stdout, "  created         0\n  updated         1\n")
	u, ok := f.srv.UserByEmail("ada@example.com")
	require.True(t, ok)
	assert.Equal(t, "Ada Lovelace", u.Name)
	assert.Equal(t, "researcher", u.Role)
	assert.Equal(t, []string{"group-2"}, u.Groups)
}

func TestSyncUnderServerRateLimit(t *testing.T) {
	t.Parallel()
	f := setup(t, theFile, "people.csv", admintest.WithRateLimit(1200))
	r := f.run(t.Context(), "-concurrency", "8")
	require.NoError(t, r.Err, r.Stdout)
	assert.Contains(t, r.Stdout, "  failed          0\n")
	assertSynced(t, f.srv, "inactive")
}

func TestSyncRefusals(t *testing.T) {
	t.Parallel()
	f := setup(t, theFile, "people.csv")
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	empty := write("empty.csv", "email,name,role,groups\n")
	bad := write("bad.json", `[{"email":"x","name":"","role":"viewer"}]`)
	txt := write("people.txt", theFile)
	tests := []struct {
		args []string
		code int // exit status
		want string
	}{
		{nil, 2, "-file is required"},
		{[]string{"-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"-file", f.file, "-format", "xml"}, 2, `-format "xml": want csv or json`},
		{[]string{"-file", f.file, "-concurrency", "0"}, 2, "-concurrency 0: want 1 to 64"},
		{[]string{"-file", f.file, "-rate", "-1"}, 2, "-rate -1: must not be negative"},
		{[]string{"-file", f.file, "-shard", "3/3"}, 2, `invalid value "3/3" for flag -shard: i must be 0 to n-1 (0 to 2)`},
		{[]string{"-file", f.file, "-shard", "0/0"}, 2, `invalid value "0/0" for flag -shard: n must be 1 to 1024`},
		{[]string{"-file", f.file, "-shard", "half"}, 2, `invalid value "half" for flag -shard: want i/n, such as 0/4`},
		{[]string{"-file", empty}, 1, "lists no users; refusing to deactivate everyone"},
		{[]string{"-file", bad}, 1, "bad.json: 2 problem(s) in the file: record 1 (x): invalid email; record 1 (x): name is empty"},
		{[]string{"-file", txt}, 1, "give -format csv or -format json"},
		{[]string{"-file", filepath.Join(dir, "none.csv")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := clitest.Run(t.Context(), run, f.env, tt.args...)
			require.Error(t, r.Err)
			assert.Contains(t, r.Err.Error(), tt.want)
			assert.Empty(t, r.Stderr)
			code, line := r.Exit(prog)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, 1, strings.Count(line, "\n"), line)
		})
	}
	r := clitest.Run(t.Context(), run, f.env, "-file", txt, "-format", "csv", "-dry-run")
	require.NoError(t, r.Err)
	r = clitest.Run(t.Context(), run, f.env, "-h")
	require.ErrorIs(t, r.Err, flag.ErrHelp)
	assert.Contains(t, r.Stderr, "created WITHOUT roles")
	assert.Zero(t, changes(f.srv))
}

func TestSyncEmbedded(t *testing.T) {
	t.Parallel()
	r := clitest.Run(t.Context(), run, clitest.NoEnv, "-file", "example.csv", "-rate", "1000")
	require.NoError(t, r.Err, r.Stdout)
	assert.Contains(t, r.Stderr, "embedded fake server")
	assert.Contains(t, r.Stdout, "  failed          0\n")
}

// meAsClient answers GET /v1/me as for an OAuth client that acts as no
// user, as the real API may.
func meAsClient() admintest.Option {
	return admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/v1/me" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"type":"client","client_id":"cli_robot","role":"admin","user":null}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
}

func TestSyncNeverTouchesItsCaller(t *testing.T) {
	t.Parallel()
	const admin = "admin@admintest.local"
	tests := []struct {
		name   string
		opts   []admintest.Option
		args   []string
		key    func(*admintest.Server) string // the key to run with; nil: the admin key
		plan   []string                       // the plan's lines after the counts
		status map[string]string              // users' statuses afterwards ("" for deleted)
	}{
		{
			name:   "deactivate",
			plan:   []string{"  keep  " + admin + "  the account this sync runs as: never deactivated or deleted"},
			status: map[string]string{admin: "active", "seed-user-4@example.com": "inactive"},
		},
		{
			name:   "delete",
			args:   []string{"-delete"},
			plan:   []string{"  keep  " + admin + "  the account this sync runs as: never deactivated or deleted"},
			status: map[string]string{admin: "active", "seed-user-4@example.com": ""},
		},
		{
			name: "with -keep",
			args: []string{"-keep", "SEED-USER-5@example.com"},
			plan: []string{
				"  keep  " + admin + "    the account this sync runs as: never deactivated or deleted",
				"  keep  seed-user-5@example.com  listed in -keep",
			},
			status: map[string]string{admin: "active", "seed-user-4@example.com": "inactive", "seed-user-5@example.com": "active"},
		},
		{
			name: "another key's user",
			key:  func(srv *admintest.Server) string { return srv.NewKey("admin") },
			plan: []string{"  keep  admin-<tag>@admintest.local  the account this sync runs as: never deactivated or deleted"},
			// The default admin key's user is not the caller now.
			status: map[string]string{admin: "inactive"},
		},
		{
			name:   "an OAuth client without a user",
			opts:   []admintest.Option{meAsClient()},
			args:   []string{"-dry-run"}, // the admin key's user would go, and the key with it
			plan:   []string{"  (the credentials are OAuth client cli_robot, which acts as no user: no account is excluded)"},
			status: map[string]string{admin: "active"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, theFile, "people.csv", tt.opts...)
			if tt.key != nil {
				key := tt.key(f.srv)
				f.env = func(k string) string {
					return map[string]string{"ADMIN_API_URL": f.srv.URL, "ADMIN_API_KEY": key}[k]
				}
			}
			r := f.run(t.Context(), tt.args...)
			require.NoError(t, r.Err, r.Stdout)
			lines := strings.Split(r.Stdout, "\n")
			require.Greater(t, len(lines), len(tt.plan))
			got := lines[1 : 1+len(tt.plan)]
			for i := range got {
				got[i] = regexp.MustCompile(`admin-[0-9a-f]+@`).ReplaceAllString(got[i], "admin-<tag>@")
			}
			if tt.name == "an OAuth client without a user" { // the note follows the dry run's detail
				got = lines[len(lines)-1-len(tt.plan) : len(lines)-1]
			}
			assert.Equal(t, tt.plan, got, r.Stdout)
			for email, want := range tt.status {
				u, ok := f.srv.UserByEmail(email)
				if want == "" {
					assert.False(t, ok, email)
					continue
				}
				require.True(t, ok, email)
				assert.Equal(t, want, u.Status, email)
			}
		})
	}
}

// lockedBuffer is a buffer that a test may read while the program writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSyncShowsProgressWhileReading reads 250 users, three pages, and
// checks what stderr said by the time each page was asked for: the count
// of a page is shown before the page after the next is fetched (the SDK
// fetches one page ahead).
func TestSyncShowsProgressWhileReading(t *testing.T) {
	t.Parallel()
	var stderr lockedBuffer
	var mu sync.Mutex
	var seen []string // stderr when each page of users was asked for
	record := admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/v1/users" {
				mu.Lock()
				seen = append(seen, stderr.String())
				mu.Unlock()
			}
			next.ServeHTTP(w, r)
		})
	})
	f := setup(t, theFile, "people.csv", admintest.WithSeedData(250, 3, 0), record)
	var stdout strings.Builder
	err := run(t.Context(), []string{"-file", f.file, "-dry-run"}, f.env, &stdout, &stderr)
	require.NoError(t, err)

	require.Len(t, seen, 3)
	assert.Empty(t, seen[0])
	assert.True(t, strings.HasPrefix(seen[2], "sync-users: reading users: 100 so far\n"), "the first page is counted by the time the third is fetched: %q", seen[2])
	assert.Equal(t, `sync-users: reading users: 100 so far
sync-users: reading users: 200 so far
sync-users: read 251 users and 3 groups
`, stderr.String())
	assert.True(t, strings.HasPrefix(stdout.String(), "Plan: "), "the plan comes after the reading")
}
