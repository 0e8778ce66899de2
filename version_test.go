package admin_test

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	admin "github.com/admin/api-go"
)

// TestVersion keeps admin.Version, which the SDK sends in its User-Agent,
// equal to what was released: the newest release in CHANGELOG.md and, in a
// git checkout, the root module's tag. A release commit bumps Version and
// the changelog together and is then tagged (CONTRIBUTING.md, Releasing).
func TestVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"newest release in CHANGELOG.md", func(t *testing.T) {
			got, err := newestChangelogRelease("CHANGELOG.md")
			if err != nil {
				t.Fatal(err)
			}
			if got != admin.Version {
				t.Errorf("CHANGELOG.md's newest release is %s, admin.Version is %s", got, admin.Version)
			}
		}},
		{"root module's tags", func(t *testing.T) {
			tags, ok := rootTags(t)
			if !ok {
				t.Skip("not in a git checkout of the module (as in the module cache)")
			}
			for _, tag := range tags.atHead {
				if tag != "v"+admin.Version {
					t.Errorf("HEAD is tagged %s, admin.Version is %s", tag, admin.Version)
				}
			}
			if tags.newest == "" {
				return
			}
			c, ok := compareVersions(admin.Version, strings.TrimPrefix(tags.newest, "v"))
			if !ok || c < 0 {
				t.Errorf("admin.Version %q is not X.Y.Z at or after the tag %s that HEAD contains", admin.Version, tags.newest)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t)
		})
	}
}

// TestNewestChangelogRelease checks the parser TestVersion relies on.
func TestNewestChangelogRelease(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, want string
	}{
		{"unreleased first", "# Changelog\n\n## [Unreleased]\n\n### Added\n- x\n\n## [0.2.0] - 2027-01-05\n\n## [0.1.0] - 2026-12-01\n", "0.2.0"},
		{"only a release", "## [1.4.2] - 2026-12-01\n", "1.4.2"},
		{"heading in a list is not a release", "- ## [9.9.9] - 2026-12-01\n## [0.1.0] - 2026-12-01\n", "0.1.0"},
		{"no release", "# Changelog\n\n## [Unreleased]\n", ""},
		{"release without a date", "## [0.3.0]\n## [0.1.0] - 2026-12-01\n", "0.1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "CHANGELOG.md")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := newestChangelogRelease(path)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// newestChangelogRelease returns the version of the first release heading
// of a Keep a Changelog file: "## [X.Y.Z] - YYYY-MM-DD".
func newestChangelogRelease(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	heading := regexp.MustCompile(`^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := heading.FindStringSubmatch(sc.Text()); m != nil {
			return m[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New(path + ": no release heading \"## [X.Y.Z] - YYYY-MM-DD\"")
}

type moduleTags struct {
	newest string   // the newest vX.Y.Z tag that HEAD contains
	atHead []string // the vX.Y.Z tags on HEAD
}

// rootTags reads the root module's release tags (vX.Y.Z, without a
// directory prefix) from git; ok is false outside a git checkout whose top
// is this directory.
func rootTags(t *testing.T) (tags moduleTags, ok bool) {
	t.Helper()
	git := func(args ...string) ([]string, error) {
		out, err := exec.Command("git", args...).Output()
		return strings.Fields(string(out)), err
	}
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil || len(top) != 1 {
		return tags, false
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if same, err := sameDir(top[0], wd); err != nil || !same {
		return tags, false
	}
	release := regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
	merged, err := git("tag", "--list", "v*", "--merged", "HEAD")
	if err != nil {
		t.Fatalf("git tag --merged: %v", err)
	}
	for _, tag := range merged {
		if !release.MatchString(tag) {
			continue
		}
		if c, _ := compareVersions(tag[1:], strings.TrimPrefix(tags.newest, "v")); tags.newest == "" || c > 0 {
			tags.newest = tag
		}
	}
	atHead, err := git("tag", "--list", "v*", "--points-at", "HEAD")
	if err != nil {
		t.Fatalf("git tag --points-at: %v", err)
	}
	for _, tag := range atHead {
		if release.MatchString(tag) {
			tags.atHead = append(tags.atHead, tag)
		}
	}
	return tags, true
}

func sameDir(a, b string) (bool, error) {
	ai, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	bi, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(ai, bi), nil
}

// compareVersions compares two X.Y.Z versions like strings.Compare; ok is
// false if either is not of that form.
func compareVersions(a, b string) (c int, ok bool) {
	var va, vb [3]int
	for _, v := range []struct {
		s string
		n *[3]int
	}{{a, &va}, {b, &vb}} {
		if _, err := fmt.Sscanf(v.s, "%d.%d.%d", &v.n[0], &v.n[1], &v.n[2]); err != nil || fmt.Sprintf("%d.%d.%d", v.n[0], v.n[1], v.n[2]) != v.s {
			return 0, false
		}
	}
	for i := range va {
		if c := cmp.Compare(va[i], vb[i]); c != 0 {
			return c, true
		}
	}
	return 0, true
}
