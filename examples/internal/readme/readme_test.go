// Package readme checks what the repository's README.md promises about
// the examples and about publication against the repository itself.
package readme

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const root = "../../.."

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	return string(b)
}

// modules returns the module path of every go.mod in the repository, by
// directory ("." for the root).
func modules(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.Name() != "go.mod" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m := regexp.MustCompile(`(?m)^module (\S+)$`).FindStringSubmatch(string(b))
		require.NotNil(t, m, path)
		dir, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		out[filepath.ToSlash(dir)] = m[1]
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestReadmeTags checks the table of modules and tags in "Before
// publication": every module of the repository is in it, and each tag is
// the module's directory followed by the version, as the go command wants.
func TestReadmeTags(t *testing.T) {
	t.Parallel()
	text := readme(t)
	_, section, ok := strings.Cut(text, "\n## Before publication\n")
	require.True(t, ok, "README.md has a section on using the SDK before it is published")
	section, _, _ = strings.Cut(section, "\n## ")

	rows := map[string]string{} // module path -> tag, "" for none
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)`[^|]*\\| (.+) \\|$").FindAllStringSubmatch(section, -1) {
		tag := ""
		if t := regexp.MustCompile("^`([^`]+)`$").FindStringSubmatch(m[2]); t != nil {
			tag = t[1]
		}
		rows[m[1]] = tag
	}
	require.NotEmpty(t, rows)
	const base = "github.com/admin/api-go"
	for path, tag := range rows {
		if tag == "" {
			continue
		}
		want := "v0.1.0"
		if dir, ok := strings.CutPrefix(path, base+"/"); ok {
			want = dir + "/v0.1.0"
		}
		assert.Equal(t, want, tag, path)
	}
	for dir, path := range modules(t) {
		_, listed := rows[path]
		assert.True(t, listed, "module %s (%s/go.mod) is in the table of tags", path, dir)
		if dir != "." {
			assert.Equal(t, base+"/"+dir, path, "a module's path is its directory, which its tags are prefixed with")
		}
	}
	assert.Contains(t, section, "go mod edit -require="+base+"@v0.0.0 -replace="+base+"=../api-go")
	assert.Contains(t, section, "go work init . ../api-go")
}

// TestReadmeSetup checks that the two set-up commands stay as they are.
func TestReadmeSetup(t *testing.T) {
	t.Parallel()
	text := readme(t)
	for _, cmd := range []string{"\ngo run ./examples/quickstart ", "\ngo test ./... ./examples/... "} {
		assert.Contains(t, text, cmd)
	}
}
