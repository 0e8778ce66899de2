package main

import (
	"fmt"
	"strings"
	"testing"

	admin "github.com/admin/api-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRecords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, format, in string
		want             []Record
		wantErr          string
	}{
		{
			name:   "csv with groups and blank lines",
			format: "csv",
			in:     "email,name,role,groups\nalice@x.io,Alice,editor,eng;ops\n\nbob@x.io, Bob ,viewer,\n",
			want: []Record{
				{Email: "alice@x.io", Name: "Alice", Role: admin.RoleEditor, Groups: []string{"eng", "ops"}, Line: 2},
				{Email: "bob@x.io", Name: "Bob", Role: admin.RoleViewer, Line: 4},
			},
		},
		{
			name:   "csv columns in any order, BOM, no groups column, quoted comma",
			format: "csv",
			in:     "\ufeffRole,Email,Name\nadmin,c@x.io,\"Carol, Jr.\"\n",
			want:   []Record{{Email: "c@x.io", Name: "Carol, Jr.", Role: admin.RoleAdmin, Line: 2}},
		},
		{
			name:   "csv groups with spaces and empty entries",
			format: "csv",
			in:     "email,name,role,groups\nd@x.io,D,viewer,\" a ; ;b \"\n",
			want:   []Record{{Email: "d@x.io", Name: "D", Role: admin.RoleViewer, Groups: []string{"a", "b"}, Line: 2}},
		},
		{name: "csv empty", format: "csv", in: "", wantErr: "empty file"},
		{name: "csv missing column", format: "csv", in: "email,name\n", wantErr: `lacks column "role"`},
		{name: "csv duplicate column", format: "csv", in: "email,name,role,email\n", wantErr: "appears twice"},
		{name: "csv bad quoting", format: "csv", in: "email,name,role\n\"a,b\n", wantErr: "csv:"},
		{
			name:   "json",
			format: "json",
			in:     `[{"email":"a@x.io","name":"A","role":"researcher","groups":["g1"," g2 ",""]},{"email":"b@x.io","name":"B","role":"viewer"}]`,
			want: []Record{
				{Email: "a@x.io", Name: "A", Role: admin.RoleResearcher, Groups: []string{"g1", "g2"}, Line: 1},
				{Email: "b@x.io", Name: "B", Role: admin.RoleViewer, Line: 2},
			},
		},
		{name: "json empty array", format: "json", in: `[]`, want: []Record{}},
		{name: "json unknown field", format: "json", in: `[{"email":"a@x.io","name":"A","role":"viewer","team":"x"}]`, wantErr: "unknown field"},
		{name: "json not an array", format: "json", in: `{"email":"a@x.io"}`, wantErr: "want an array"},
		{name: "json trailing data", format: "json", in: `[] []`, wantErr: "data after the array"},
		{name: "unknown format", format: "xml", in: "", wantErr: `unknown format "xml"`},
		{
			name:    "every problem is reported",
			format:  "csv",
			in:      "email,name,role\nnot-an-email,A,viewer\nb@x.io,,viewer\nc@x.io,C,boss\nB@X.io,B,viewer\n",
			wantErr: `4 problem(s) in the file: record 2 (not-an-email): invalid email; record 3 (b@x.io): name is empty; record 4 (c@x.io): unknown role "boss"; record 5 (B@X.io): email already in record 3`,
		},
		{
			name:    "display-name emails are refused",
			format:  "json",
			in:      `[{"email":"Al <a@x.io>","name":"A","role":"viewer"}]`,
			wantErr: "invalid email",
		},
		{
			name:    "control characters in group names are refused",
			format:  "json",
			in:      `[{"email":"a@x.io","name":"A","role":"viewer","groups":["a\u0001b",".."]}]`,
			wantErr: `2 problem(s)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRecords(strings.NewReader(tt.in), tt.format)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseRecordsManyProblemsAreCapped(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("email,name,role\n")
	for i := range 30 {
		fmt.Fprintf(&b, "bad%d,A,viewer\n", i)
	}
	_, err := ParseRecords(strings.NewReader(b.String()), "csv")
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "30 problem(s)"), err.Error())
	assert.Contains(t, err.Error(), "and 10 more")
}

func TestParseRecordsTooLarge(t *testing.T) {
	t.Parallel()
	for format, prefix := range map[string]string{"csv": "email,name,role\n", "json": "["} {
		big := strings.NewReader(prefix + strings.Repeat(" ", 1000))
		_, err := parseRecords(big, format, 1000)
		require.Error(t, err)
		assert.Equal(t, "file larger than 1000 bytes", err.Error())
	}
	_, err := parseRecords(strings.NewReader("email,name,role\na@x.io,A,viewer\n"), "csv", 32)
	require.NoError(t, err, "a file of exactly the limit is read")
}
