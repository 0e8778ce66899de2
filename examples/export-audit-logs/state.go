package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// stateVersion is the version of the state file's format.
const stateVersion = 1

// Query is what an export selects; a resumed export keeps the query it
// started with, so that "-since 24h" does not move.
type Query struct {
	Since  time.Time `json:"since,omitzero"`
	Until  time.Time `json:"until,omitzero"`
	Action string    `json:"action,omitempty"`
	UserID string    `json:"user_id,omitempty"`
}

// State is what an export saves after each page it has fully written, so
// that a later run can continue after the last such page.
type State struct {
	Version int   `json:"version"`
	Query   Query `json:"query"`
	// Cursor continues the export after the last page written; empty
	// before the first page.
	Cursor string `json:"cursor"`
	// Done reports that the last page has been written.
	Done   bool  `json:"done"`
	Pages  int   `json:"pages"`
	Events int64 `json:"events"`
	// OutputSize is the size of the output file after the last page
	// written. A resumed export cuts the file back to it, dropping a page
	// that was being written when the export stopped.
	OutputSize int64 `json:"output_size"`
}

// maxStateSize bounds how much of a state file is read.
const maxStateSize = 1 << 20

// loadState reads the state file at path; ok is false when it does not exist.
func loadState(path string) (st State, ok bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return State{}, false, nil
	}
	if err != nil {
		return State{}, false, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStateSize+1))
	if err != nil {
		return State{}, false, err
	}
	if len(b) > maxStateSize {
		return State{}, false, fmt.Errorf("state file %s: larger than %d bytes", path, maxStateSize)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return State{}, false, fmt.Errorf("state file %s: %w", path, err)
	}
	if st.Version != stateVersion {
		return State{}, false, fmt.Errorf("state file %s: version %d, want %d", path, st.Version, stateVersion)
	}
	if st.OutputSize < 0 || st.Events < 0 || st.Pages < 0 {
		return State{}, false, fmt.Errorf("state file %s: negative counts", path)
	}
	return st, true, nil
}

// saveState writes st to path atomically: to a temporary file in the same
// directory, synced, then renamed over path. A crash leaves the old state
// or the new one, never a mix.
func saveState(path string, st State) (err error) {
	st.Version = stateVersion
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename itself durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// parseTime reads a point in time: RFC 3339 ("2025-01-02T15:04:05Z"), a
// date ("2025-01-02", midnight UTC), or a duration before now ("90m",
// "24h", "7d").
func parseTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n >= 0 && n <= 100*365 {
			return now.AddDate(0, 0, -n), nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a time (RFC 3339 or YYYY-MM-DD) nor a duration before now (such as 24h or 7d)", s)
}
