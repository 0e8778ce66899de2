package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

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
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-users", "3", "-rate-limit", "600"}, pw)
		pw.Close()
	}()

	lines := bufio.NewScanner(pr)
	fields := map[string]string{}
	for lines.Scan() {
		k, v, ok := strings.Cut(lines.Text(), ":")
		if ok {
			fields[strings.TrimSpace(k)] = strings.Fields(v)[0]
		}
		if strings.Contains(lines.Text(), "token endpoint") {
			break
		}
	}
	base := fields["base URL"]
	require.True(t, strings.HasSuffix(base, "/v1"), base)

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

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-fault-kinds", "meteor"}, {"-fault-rate", "2"}, {"extra"}, {"-addr", "256.0.0.1:1"}} {
		err := run(context.Background(), args, io.Discard)
		assert.Error(t, err, "%v", args)
	}
}
