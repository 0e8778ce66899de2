package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "", want: time.Time{}},
		{in: "2025-01-02T03:04:05Z", want: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		{in: "2025-01-02T03:04:05.5+02:00", want: time.Date(2025, 1, 2, 1, 4, 5, 5e8, time.UTC)},
		{in: "2025-01-02", want: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{in: "90m", want: now.Add(-90 * time.Minute)},
		{in: "24h", want: now.Add(-24 * time.Hour)},
		{in: "7d", want: time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)},
		{in: "0d", want: now},
		{in: "-1h", wantErr: true},
		{in: "-1d", wantErr: true},
		{in: "1.5d", wantErr: true},
		{in: "99999d", wantErr: true},
		{in: "d", wantErr: true},
		{in: "tomorrow", wantErr: true},
		{in: "2025-13-01", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in, now)
		if tt.wantErr {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.True(t, tt.want.Equal(got), "%s: got %v, want %v", tt.in, got, tt.want)
	}
}

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.state")
	_, ok, err := loadState(path)
	require.NoError(t, err)
	assert.False(t, ok)

	st := State{Query: Query{Since: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), Action: "user.*", UserID: "usr_1"},
		Cursor: "abc", Pages: 3, Events: 250, OutputSize: 9000}
	require.NoError(t, saveState(path, st))
	got, ok, err := loadState(path)
	require.NoError(t, err)
	require.True(t, ok)
	st.Version = stateVersion
	assert.Equal(t, st, got)

	st.Done, st.Cursor = true, ""
	require.NoError(t, saveState(path, st))
	got, _, err = loadState(path)
	require.NoError(t, err)
	assert.Equal(t, st, got)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
}

func TestLoadStateRejects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := map[string]string{
		"not json":       "cursor=abc",
		"old version":    `{"version": 0}`,
		"negative count": `{"version": 1, "output_size": -1}`,
		"too large":      `{"version": 1, "cursor": "` + string(make([]byte, maxStateSize)) + `"}`,
	}
	for name, content := range tests {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		_, _, err := loadState(path)
		assert.Error(t, err, name)
	}
}

func TestSaveStateFailsWithoutDirectory(t *testing.T) {
	t.Parallel()
	err := saveState(filepath.Join(t.TempDir(), "missing", "s.state"), State{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "save state")
}
