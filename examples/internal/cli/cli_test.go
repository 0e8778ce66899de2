package cli_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
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
		{"usage", usageErr, 2, ""},
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
	var stderr bytes.Buffer
	fs := cli.NewFlagSet("prog", "prog [-x]\n\nDoes things.", &stderr)
	x := fs.Bool("x", false, "do x")
	require.NoError(t, cli.Parse(fs, []string{"-x"}))
	assert.True(t, *x)
	assert.Empty(t, stderr.String())

	require.ErrorIs(t, cli.Parse(fs, []string{"-h"}), flag.ErrHelp)
	assert.Contains(t, stderr.String(), "Usage: prog [-x]\n\nDoes things.\n\nFlags:\n  -x\tdo x\n")
	assert.Contains(t, stderr.String(), "ADMIN_API_KEY")

	stderr.Reset()
	err := cli.Parse(fs, []string{"extra"})
	require.EqualError(t, err, `unexpected argument "extra"`)
	assert.Contains(t, stderr.String(), "unexpected argument")
	assert.Equal(t, 2, cli.ExitCode("prog", err, &bytes.Buffer{}))
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
