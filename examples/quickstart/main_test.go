package main

import (
	"context"
	"flag"
	"strings"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/clitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstart(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t, admintest.WithSeedData(6, 0, 0))
	before := len(srv.Users())

	r := clitest.Run(t.Context(), run, clitest.Env(srv), "-n", "3")
	require.NoError(t, r.Err, r.Stderr)
	assert.Empty(t, r.Stderr, "a configured run says nothing on stderr")

	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	require.Len(t, lines, 8, r.Stdout)
	assert.Equal(t, "First 3 users (more: true):", lines[0])
	for _, l := range lines[1:4] {
		assert.Contains(t, l, "usr_")
	}
	assert.Contains(t, lines[4], "Created Quickstart User <quickstart-")
	assert.Regexp(t, `^Read back usr_\S+: status active, role viewer \(request id req_[0-9a-f]+\)$`, lines[5])
	assert.Regexp(t, `^Rate limit: \d+ of \d+ requests left until `, lines[6])
	assert.Regexp(t, `^Deleted usr_\S+; reading it now answers not found$`, lines[7])

	// The server saw the user created and deleted, and is back where it was.
	assert.Len(t, srv.Users(), before)
	var actions []string
	for _, ev := range srv.AuditLog() {
		actions = append(actions, ev.Action)
	}
	assert.Equal(t, []string{"user.create", "user.delete"}, actions)
	id := strings.Fields(lines[4])[len(strings.Fields(lines[4]))-1]
	_, ok := srv.User(id)
	assert.False(t, ok)
}

func TestQuickstartEmbedded(t *testing.T) {
	t.Parallel()
	r := clitest.Run(t.Context(), run, clitest.NoEnv)
	require.NoError(t, r.Err)
	assert.Equal(t, 1, strings.Count(r.Stderr, "\n"), r.Stderr)
	assert.Contains(t, r.Stderr, "quickstart: ADMIN_API_KEY is not set: using an embedded fake server")
	assert.Contains(t, r.Stdout, "First 5 users (more: true):")
}

func TestQuickstartErrors(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t)
	t.Run("help", func(t *testing.T) {
		t.Parallel()
		r := clitest.Run(t.Context(), run, clitest.Env(srv), "-h")
		require.ErrorIs(t, r.Err, flag.ErrHelp)
		assert.Contains(t, r.Stderr, "Usage: quickstart")
		assert.Contains(t, r.Stderr, "ADMIN_API_KEY")
	})
	usage := []struct {
		args []string
		line string
	}{
		{[]string{"-n", "0"}, "quickstart: -n 0: want 1 to 100; -h for help\n"},
		{[]string{"-n", "101"}, "quickstart: -n 101: want 1 to 100; -h for help\n"},
		{[]string{"-n", "x"}, `quickstart: invalid value "x" for flag -n: parse error; -h for help` + "\n"},
		{[]string{"-nope"}, "quickstart: flag provided but not defined: -nope; -h for help\n"},
		{[]string{"extra"}, `quickstart: unexpected argument "extra"; -h for help` + "\n"},
	}
	for _, tt := range usage {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := clitest.Run(t.Context(), run, clitest.Env(srv), tt.args...)
			require.Error(t, r.Err)
			assert.Empty(t, r.Stderr, "no usage dump: Main prints one line")
			code, line := r.Exit(prog)
			assert.Equal(t, 2, code)
			assert.Equal(t, tt.line, line)
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		t.Parallel()
		env := func(k string) string {
			return map[string]string{"ADMIN_API_URL": srv.URL, "ADMIN_API_KEY": "sk_test_wrong"}[k]
		}
		r := clitest.Run(t.Context(), run, env)
		require.Error(t, r.Err)
		assert.Contains(t, r.Err.Error(), "401")
		assert.NotContains(t, r.Err.Error(), "sk_test_wrong")
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		r := clitest.Run(ctx, run, clitest.Env(srv))
		require.ErrorIs(t, r.Err, context.Canceled)
	})
}
