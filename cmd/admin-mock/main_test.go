package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunServesAndStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-users", "3", "-rate-limit", "600"}, pw, io.Discard)
		pw.Close()
	}()

	lines := bufio.NewScanner(pr)
	fields := map[string]string{}
	var export string
	for lines.Scan() {
		if e, ok := strings.CutPrefix(lines.Text(), "export "); ok {
			export = e
			break
		}
		k, v, ok := strings.Cut(lines.Text(), ":")
		if ok && strings.HasPrefix(k, "  ") {
			fields[strings.TrimSpace(k)] = strings.Fields(v)[0]
		}
	}
	base := fields["base URL"]
	require.True(t, strings.HasSuffix(base, "/v1"), base)
	assert.Equal(t, "ADMIN_API_URL="+base+" ADMIN_API_KEY="+fields["admin key"], export,
		"a ready-to-paste line for the SDK's environment")

	for key, want := range map[string]int{"admin key": 200, "viewer key": 200, "editor key": 200} {
		req, err := http.NewRequest("GET", base+"/users", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+fields[key])
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, key)
		assert.Equal(t, "600", resp.Header.Get("X-RateLimit-Limit"))
	}
	resp, err := http.PostForm(base+"/oauth/token", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {fields["oauth client"]}, "client_secret": {fields["oauth secret"]}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	require.NoError(t, <-done)
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	const kinds = "internal_error, bad_gateway, unavailable, unavailable_retry_after, rate_limit_storm, " +
		"reset_before_handler, reset_after_commit, truncated_body, html_error, latency"
	tests := []struct {
		args []string
		code int
		line string
	}{
		{[]string{"-nope"}, 2, "admin-mock: flag provided but not defined: -nope; -h for help\n"},
		{[]string{"-users", "many"}, 2, `admin-mock: invalid value "many" for flag -users: parse error; -h for help` + "\n"},
		{[]string{"-fault-kinds", "meteor"}, 2, `admin-mock: -fault-kinds: admintest: unknown fault kind "meteor"; the kinds are ` + kinds + "; -h for help\n"},
		{[]string{"-fault-rate", "2"}, 2, "admin-mock: -fault-rate 2: want 0 to 1; -h for help\n"},
		{[]string{"extra"}, 2, `admin-mock: unexpected argument "extra"; -h for help` + "\n"},
		{[]string{"-addr", "256.0.0.1:1"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			require.Error(t, err)
			assert.Empty(t, stdout.String()+stderr.String(), "run prints no usage dump")
			var line bytes.Buffer
			assert.Equal(t, tt.code, exitCode(err, &line))
			if tt.line != "" {
				assert.Equal(t, tt.line, line.String())
			}
			assert.Equal(t, 1, strings.Count(line.String(), "\n"))
		})
	}

	t.Run("help", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"-h"}, &stdout, &stderr)
		require.ErrorIs(t, err, flag.ErrHelp)
		assert.Equal(t, 0, exitCode(err, io.Discard))
		assert.Empty(t, stdout.String())
		help := stderr.String()
		assert.Contains(t, help, "admin-mock serves admintest, the whole Admin API in memory")
		for _, k := range admintest.AllFaultKinds() {
			assert.Contains(t, help, string(k))
		}
		assert.Contains(t, help, kinds)
		assert.Contains(t, help, "-fault-rate")
	})
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:12111/v1", "http://127.0.0.1:12111/v1"},
		{"sk_test_0123abcdef", "sk_test_0123abcdef"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's$x", `'it'\''s$x'`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, shellQuote(tt.in), tt.in)
	}
}
