package main

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/clitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func actions(srv *admintest.Server) []string {
	var out []string
	for _, ev := range srv.AuditLog() {
		out = append(out, ev.Action)
	}
	return out
}

func projectByName(t *testing.T, srv *admintest.Server, name string) admintest.Project {
	t.Helper()
	var found []admintest.Project
	for _, p := range srv.Projects() {
		if p.Name == name {
			found = append(found, p)
		}
	}
	require.Len(t, found, 1, "exactly one project named %s", name)
	return found[0]
}

func TestCreateTwice(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t, admintest.WithSeedData(3, 0, 1))
	env := clitest.Env(srv)
	clusters := srv.Clusters()
	args := []string{"-email", "Ada@Example.com", "-name", "Ada Lovelace", "-role", "editor", "-project", "analytics",
		"-cluster", clusters[1].Name, "-description", "numbers"}

	r := clitest.Run(t.Context(), run, env, args...)
	require.NoError(t, r.Err, r.Stderr)
	assert.Empty(t, r.Stderr)
	u, ok := srv.UserByEmail("ada@example.com")
	require.True(t, ok)
	assert.Equal(t, "Ada Lovelace", u.Name)
	assert.Equal(t, "editor", u.Role)
	assert.Equal(t, "invited", u.Status)
	p := projectByName(t, srv, "analytics")
	assert.Equal(t, clusters[1].ID, p.ClusterID)
	assert.Equal(t, "numbers", p.Description)
	assert.Equal(t, []string{u.ID}, p.Members)
	assert.Equal(t, []string{"user.create", "project.create"}, actions(srv))
	assert.Equal(t, "user     "+u.ID+`  Ada@Example.com  "Ada Lovelace"  role=editor  status=invited  (created)`+"\n"+
		"project  "+p.ID+"  analytics  cluster="+clusters[1].Name+" ("+clusters[1].ID+")  members=1  (created)\n"+
		"Done: Ada@Example.com is a member of analytics.\n", r.Stdout)

	// The second run, with the email in another case, changes nothing.
	args[1] = "ada@EXAMPLE.com"
	r = clitest.Run(t.Context(), run, env, args...)
	require.NoError(t, r.Err, r.Stderr)
	assert.Contains(t, r.Stdout, "(existed)\nproject  "+p.ID)
	assert.Contains(t, r.Stdout, "Nothing to change: Ada@Example.com is already a member of analytics.\n")
	assert.Equal(t, []string{"user.create", "project.create"}, actions(srv), "no change on the second run")
	assert.Equal(t, p, projectByName(t, srv, "analytics"))
}

func TestExistingUserJoinsExistingProject(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t, admintest.WithSeedData(3, 0, 2))
	u, ok := srv.UserByEmail("seed-user-2@example.com")
	require.True(t, ok)
	p := projectByName(t, srv, "project-1")
	require.NotContains(t, p.Members, u.ID)

	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-email", "SEED-USER-2@example.com", "-project", "project-1")
	require.NoError(t, r.Err, r.Stderr)
	assert.Contains(t, r.Stdout, "user     "+u.ID+"  seed-user-2@example.com  \"Seed User 2\"")
	assert.Contains(t, r.Stdout, "(existed)\nproject  "+p.ID+"  project-1")
	assert.Contains(t, r.Stdout, "Added seed-user-2@example.com to project-1.\n")
	assert.Contains(t, projectByName(t, srv, "project-1").Members, u.ID)
	assert.Equal(t, []string{"project.member_add"}, actions(srv))
}

func TestSubstringEmailIsNotAMatch(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t, admintest.WithSeedData(12, 0, 0))
	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-email", "user-1@example.com", "-project", "p")
	require.NoError(t, r.Err, r.Stderr)
	assert.Contains(t, r.Stdout, "(created)\nproject")
	_, ok := srv.UserByEmail("user-1@example.com")
	assert.True(t, ok)
}

// raceFirstCreate is a middleware that, on the first POST to path, lets
// the same request through once without its idempotency key before the
// real one, as if another client had won the race.
func raceFirstCreate(path string) admintest.Option {
	var done atomic.Bool
	return admintest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == path && done.CompareAndSwap(false, true) {
				body, _ := io.ReadAll(r.Body)
				other := r.Clone(r.Context())
				other.Header.Del("Idempotency-Key")
				other.Body = io.NopCloser(bytes.NewReader(body))
				next.ServeHTTP(httptest.NewRecorder(), other)
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			next.ServeHTTP(w, r)
		})
	})
}

func TestCreateRaces(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/v1/users", "/v1/projects"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			srv := clitest.Server(t, raceFirstCreate(path))
			r := clitest.Run(t.Context(), run, clitest.Env(srv), "-email", "race@example.com", "-project", "racy")
			require.NoError(t, r.Err, r.Stderr)
			u, ok := srv.UserByEmail("race@example.com")
			require.True(t, ok)
			assert.Equal(t, []string{u.ID}, projectByName(t, srv, "racy").Members)
			var conflicts int
			for _, req := range srv.Requests() {
				if req.Status == http.StatusConflict {
					conflicts++
				}
			}
			assert.Equal(t, 1, conflicts, "the program met the 409 and recovered")
			assert.Contains(t, r.Stdout, "(existed)", "what the other client created is reported as existing")
		})
	}
}

func TestProjectOnAnotherCluster(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t, admintest.WithSeedData(1, 0, 1))
	p := projectByName(t, srv, "project-1")
	var other string
	for _, c := range srv.Clusters() {
		if c.ID != p.ClusterID {
			other = c.Name
		}
	}
	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-email", "x@example.com", "-project", "project-1", "-cluster", other)
	require.Error(t, r.Err)
	assert.Contains(t, r.Err.Error(), "project project-1 exists on cluster")
	assert.Contains(t, r.Err.Error(), "not on "+other)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t)
	const pre = "create-user-and-project: "
	tests := []struct {
		args []string
		code int    // exit status
		line string // what Main prints on stderr
	}{
		{[]string{"-nope"}, 2, pre + "flag provided but not defined: -nope; -h for help\n"},
		{[]string{"-email"}, 2, pre + "flag needs an argument: -email; -h for help\n"},
		{[]string{"-email", "a@example.com", "-project", "p", "extra"}, 2, pre + `unexpected argument "extra"; -h for help` + "\n"},
		{[]string{"-project", "p"}, 2, pre + "-email is required; -h for help\n"},
		{[]string{"-email", "a@example.com"}, 2, pre + "-project is required; -h for help\n"},
		{[]string{"-email", "a@example.com", "-project", "p", "-role", "boss"}, 2, pre + `-role "boss": unknown role; ` +
			"the roles are admin, editor, viewer, department_admin, researcher, research_manager, ml_engineer; -h for help\n"},
		{[]string{"-email", "a@example.com", "-project", "p", "-cluster", "nowhere"}, 1, pre + `no cluster with id or name "nowhere"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := clitest.Run(t.Context(), run, clitest.Env(srv), tt.args...)
			require.Error(t, r.Err)
			assert.Empty(t, r.Stderr, "errors are printed once, by Main")
			code, line := r.Exit(prog)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.line, line)
		})
	}
	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-email", "not an email", "-project", "p")
	require.Error(t, r.Err)
	assert.Contains(t, r.Err.Error(), "create user not an email")
	code, _ := r.Exit(prog)
	assert.Equal(t, 1, code, "the server's refusal is not a usage error")
	r = clitest.Run(t.Context(), run, clitest.Env(srv), "-h")
	require.ErrorIs(t, r.Err, flag.ErrHelp)
	assert.Contains(t, r.Stderr, "Usage: create-user-and-project -email EMAIL -project NAME")
	assert.False(t, slices.ContainsFunc(srv.Requests(), func(rr admintest.RecordedRequest) bool { return rr.Method != http.MethodGet }),
		"failed runs changed nothing")
}

func TestEmbedded(t *testing.T) {
	t.Parallel()
	r := clitest.Run(t.Context(), run, clitest.NoEnv, "-email", "e@example.com", "-project", "project-1")
	require.NoError(t, r.Err)
	assert.Contains(t, r.Stderr, "embedded fake server")
	assert.Contains(t, r.Stdout, "Added e@example.com to project-1.")
}
