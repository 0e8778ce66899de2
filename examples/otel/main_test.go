package main

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/examples/internal/clitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// span is the part of a span, as the stdout exporter writes it, that the
// tests read.
type span struct {
	Name        string
	SpanKind    int
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ SpanID string }
	Attributes  []attr
	Events      []struct {
		Name       string
		Attributes []attr
	}
}

type attr struct {
	Key   string
	Value struct{ Value any }
}

func (s span) attr(key string) any {
	for _, a := range s.Attributes {
		if a.Key == key {
			return a.Value.Value
		}
	}
	return nil
}

// decodeSpans reads the stream of JSON spans the program printed.
func decodeSpans(t *testing.T, out string) []span {
	t.Helper()
	var spans []span
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var s span
		err := dec.Decode(&s)
		if errors.Is(err, io.EOF) {
			return spans
		}
		require.NoError(t, err, out)
		spans = append(spans, s)
	}
}

func TestOtel(t *testing.T) {
	t.Parallel()
	srv := clitest.Server(t, admintest.WithSeedData(8, 0, 0))
	tests := []struct {
		name     string
		env      func(string) string
		retried  bool // the embedded server provokes one retry
		stderrOK func(string) bool
	}{
		{"configured", clitest.Env(srv), false, func(s string) bool { return s == "" }},
		{"embedded", clitest.NoEnv, true, func(s string) bool {
			return strings.Contains(s, "otel: ADMIN_API_KEY is not set: using an embedded fake server")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.Run(t.Context(), run, tt.env, "-page", "5")
			require.NoError(t, r.Err, r.Stderr)
			assert.True(t, tt.stderrOK(r.Stderr), r.Stderr)

			spans := decodeSpans(t, r.Stdout)
			require.NotEmpty(t, spans)
			job := spans[len(spans)-1] // the job's span ends last
			require.Equal(t, "sync job", job.Name)

			// The calls, in the order they ended: 9 users make two pages.
			var calls []string
			byID := map[string]span{}
			for _, s := range spans {
				byID[s.SpanContext.SpanID] = s
				assert.Equal(t, job.SpanContext.TraceID, s.SpanContext.TraceID, "span %s is in another trace", s.Name)
				if s.SpanKind == 1 && s.Parent.SpanID == job.SpanContext.SpanID { // internal, below the job
					calls = append(calls, s.Name)
				}
			}
			assert.Equal(t, []string{"POST /users", "GET /users", "GET /users", "GET /users/{id}", "DELETE /users/{id}"}, calls)

			// Every call has its attempts below it; the read-back has two
			// when the embedded server answered 503 first.
			attempts := map[string][]span{}
			for _, s := range spans {
				if s.SpanKind == 3 { // client
					parent, ok := byID[s.Parent.SpanID]
					require.True(t, ok, "attempt %s without its call", s.Name)
					assert.Equal(t, s.Name, parent.Name)
					attempts[parent.SpanContext.SpanID] = append(attempts[parent.SpanContext.SpanID], s)
				}
			}
			for _, s := range spans {
				if s.SpanKind != 1 || s.Name == "sync job" {
					continue
				}
				want := 1
				if tt.retried && s.Name == "GET /users/{id}" {
					want = 2
					require.Len(t, attempts[s.SpanContext.SpanID], 2)
					first, second := attempts[s.SpanContext.SpanID][0], attempts[s.SpanContext.SpanID][1]
					assert.EqualValues(t, 503, first.attr("http.response.status_code"))
					assert.Equal(t, "status", first.attr("admin.retry.reason"))
					assert.EqualValues(t, 1, second.attr("http.request.resend_count"))
					require.Len(t, s.Events, 1)
					assert.Equal(t, "admin.wait", s.Events[0].Name)
					assert.Contains(t, s.Events[0].Attributes, attr{Key: "admin.wait.reason", Value: struct{ Value any }{"retry_after"}})
				}
				assert.Len(t, attempts[s.SpanContext.SpanID], want, "attempts of %s", s.Name)
				assert.EqualValues(t, want, s.attr("admin.attempts"), "admin.attempts of %s", s.Name)
			}
		})
	}
}

func TestOtelBadFlag(t *testing.T) {
	t.Parallel()
	r := clitest.Run(t.Context(), run, clitest.NoEnv, "-page", "0")
	require.Error(t, r.Err)
	assert.Contains(t, r.Err.Error(), "-page 0: want 1 to 100")
	assert.Empty(t, r.Stdout)
}
