package cli_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"testing"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/cli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	fs := cli.NewFlagSet("prog", "prog", &bytes.Buffer{})
	usageErr := cli.Parse(fs, []string{"-nope"})
	require.Error(t, usageErr)
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"success", nil, 0, ""},
		{"help", flag.ErrHelp, 0, ""},
		{"unknown flag", usageErr, 2, "prog: flag provided but not defined: -nope; -h for help\n"},
		{"usagef", cli.Usagef("-n %d: want 1 to 100", 0), 2, "prog: -n 0: want 1 to 100; -h for help\n"},
		{"wrapped usage", fmt.Errorf("check: %w", cli.Usagef("-x")), 2, "prog: check: -x; -h for help\n"},
		{"failure", errors.New("boom\nsecond line"), 1, "prog: boom second line\n"},
		{"cancelled", fmt.Errorf("list: %w", context.Canceled), 1, "prog: interrupted: list: context canceled\n"},
		{"interrupted", fmt.Errorf("interrupted; run again: %w", context.Canceled), 1, "prog: interrupted; run again: context canceled\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			assert.Equal(t, tt.code, cli.ExitCode("prog", tt.err, &b))
			assert.Equal(t, tt.stderr, b.String())
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		x       bool
		err     string // "" for success
		usage   bool   // the whole usage is printed
		isUsage bool   // the error is a usage error (exit status 2)
	}{
		{name: "flag", args: []string{"-x"}, x: true},
		{name: "no flags", args: nil},
		{name: "help", args: []string{"-h"}, err: flag.ErrHelp.Error(), usage: true},
		{name: "unknown flag", args: []string{"-nope"}, err: "flag provided but not defined: -nope", isUsage: true},
		{name: "bad value", args: []string{"-x=maybe"}, err: `invalid boolean value "maybe" for -x: parse error`, isUsage: true},
		{name: "positional argument", args: []string{"-x", "extra"}, err: `unexpected argument "extra"`, isUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			fs := cli.NewFlagSet("prog", "prog [-x]\n\nDoes things.", &stderr)
			x := fs.Bool("x", false, "do x")
			err := cli.Parse(fs, tt.args)
			if tt.err == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.x, *x)
			} else {
				require.EqualError(t, err, tt.err)
			}
			if tt.usage {
				assert.Equal(t, "Usage: prog [-x]\n\nDoes things.\n\nFlags:\n  -x\tdo x\n\n"+cli.EnvHelp+"\n", stderr.String())
			} else {
				assert.Empty(t, stderr.String(), "only -h prints the usage; errors are Main's to print")
			}
			code := cli.ExitCode("prog", err, io.Discard)
			switch {
			case tt.isUsage:
				assert.Equal(t, 2, code)
			default:
				assert.Equal(t, 0, code)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int64
		want string
	}{{0, "0 events"}, {1, "1 event"}, {2, "2 events"}, {-1, "-1 events"}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cli.Plural(tt.n, "event"))
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	for _, r := range cli.Roles() {
		assert.True(t, r.Valid(), r)
	}
	assert.Len(t, cli.Roles(), 7)
	assert.Equal(t, "admin, editor, viewer, department_admin, researcher, research_manager, ml_engineer", cli.RoleNames())
}

func TestConnect(t *testing.T) {
	t.Parallel()
	srv := admintest.NewServer()
	t.Cleanup(srv.Close)
	oc := srv.NewOAuthClient("viewer")
	envOf := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	t.Run("api key", func(t *testing.T) {
		t.Parallel()
		var stderr bytes.Buffer
		conn, err := cli.Connect(t.Context(), "p", envOf(map[string]string{"ADMIN_API_URL": srv.URL, "ADMIN_API_KEY": srv.APIKey}), &stderr, cli.Seed{})
		require.NoError(t, err)
		defer conn.Close()
		assert.Nil(t, conn.Server)
		assert.Empty(t, stderr.String())
		_, err = conn.Client.Users.Get(t.Context(), srv.AdminUserID)
		require.NoError(t, err)
	})
	t.Run("client credentials", func(t *testing.T) {
		t.Parallel()
		conn, err := cli.Connect(t.Context(), "p", envOf(map[string]string{"ADMIN_API_URL": srv.URL,
			"ADMIN_CLIENT_ID": oc.ID, "ADMIN_CLIENT_SECRET": oc.Secret}), &bytes.Buffer{}, cli.Seed{})
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.Client.Users.Get(t.Context(), oc.UserID)
		require.NoError(t, err)
	})
	t.Run("half of the client credentials", func(t *testing.T) {
		t.Parallel()
		_, err := cli.Connect(t.Context(), "p", envOf(map[string]string{"ADMIN_CLIENT_ID": oc.ID}), &bytes.Buffer{}, cli.Seed{})
		require.EqualError(t, err, "set both ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET")
	})
	t.Run("bad url", func(t *testing.T) {
		t.Parallel()
		_, err := cli.Connect(t.Context(), "p", envOf(map[string]string{"ADMIN_API_URL": "ftp://x", "ADMIN_API_KEY": "sk_test_secretsecret"}), &bytes.Buffer{}, cli.Seed{})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "secretsecret")
	})
	t.Run("embedded", func(t *testing.T) {
		t.Parallel()
		var stderr bytes.Buffer
		prepared := false
		conn, err := cli.Connect(t.Context(), "p", envOf(nil), &stderr, cli.Seed{Users: 3,
			Prepare: func(ctx context.Context, c *admin.Client, s *admintest.Server) error {
				prepared = c != nil && s != nil
				return nil
			}})
		require.NoError(t, err)
		defer conn.Close()
		require.NotNil(t, conn.Server)
		assert.True(t, prepared)
		assert.Regexp(t, `^p: ADMIN_API_KEY is not set: using an embedded fake server at http://127\.0\.0\.1:\d+/v1 with 3 seeded users\n$`, stderr.String())
		assert.Len(t, conn.Server.Users(), 4, "three seeded users and the admin key's")
	})
	t.Run("embedded prepare fails", func(t *testing.T) {
		t.Parallel()
		_, err := cli.Connect(t.Context(), "p", envOf(nil), &bytes.Buffer{}, cli.Seed{
			Prepare: func(context.Context, *admin.Client, *admintest.Server) error { return errors.New("nope") }})
		require.EqualError(t, err, "prepare the embedded server: nope")
	})
}
