package main

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSyncRedisRefusals(t *testing.T) {
	t.Parallel()
	f := setup(t, theFile, "people.csv")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-redis", "http://127.0.0.1:6379"}, "-redis: redis: invalid URL scheme: http"},
		{[]string{"-redis", "redis://u:hunter2@127.0.0.1:port/0"}, `-redis: invalid port ":port" after host`},
		{[]string{"-redis", "redis://127.0.0.1:6379/0", "-rate", "5"}, "-rate and -redis: give one"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := f.run(t.Context(), tt.args...)
			require.Error(t, r.Err)
			assert.Contains(t, r.Err.Error(), tt.want)
			assert.NotContains(t, r.Err.Error(), "hunter2")
			code, _ := r.Exit("sync-users")
			assert.Equal(t, 2, code, "a bad -redis is a usage error")
		})
	}
	assert.Zero(t, changes(f.srv))
}

// TestSyncRedisDown syncs with -redis naming a Redis that is not there:
// the sync goes on, pacing itself alone, and says so once.
func TestSyncRedisDown(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close()) // nothing listens there now
	f := setup(t, theFile, "people.csv")
	r := f.run(t.Context(), "-redis", "redis://127.0.0.1:"+strconv.Itoa(port)+"/0")
	require.NoError(t, r.Err, r.Stderr)
	assert.Contains(t, r.Stdout, "  failed          0\n")
	assert.Equal(t, 1, strings.Count(r.Stderr, "Redis unavailable"), r.Stderr)
	assertSynced(t, f.srv, "inactive")
}
