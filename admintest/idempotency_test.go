package admintest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdempotencyReplay(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	req := request{method: "POST", path: "/users", key: srv.APIKey,
		body:   map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"},
		header: map[string]string{"Idempotency-Key": "k-1"}}
	first := send(t, srv, req)
	require.Equal(t, 201, first.Status)
	assert.Empty(t, first.Header.Get("Idempotent-Replayed"))
	second := send(t, srv, req)
	require.Equal(t, 201, second.Status)
	assert.Equal(t, "true", second.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, first.Body, second.Body)
	assert.NotEqual(t, first.Header.Get("X-Request-Id"), second.Header.Get("X-Request-Id"))
	assert.Len(t, srv.Users(), 2, "the admin and Ann, once")
	assert.Len(t, srv.AuditLog(), 1)

	other := req
	other.body = map[string]any{"name": "Bob", "email": "bob@example.com", "role": "viewer"}
	r := send(t, srv, other)
	assert.Equal(t, 409, r.Status)
	assert.Equal(t, "idempotency_key_reused", r.apiError(t).Error.Code)

	samePathOtherMethod := request{method: "DELETE", path: "/users/usr_x", key: srv.APIKey, header: req.header}
	assert.Equal(t, 409, send(t, srv, samePathOtherMethod).Status)

	otherPrincipal := req
	otherPrincipal.key = srv.NewKey("editor")
	r = send(t, srv, otherPrincipal)
	assert.Equal(t, 409, r.Status, "keys are per principal: this one runs and finds the email taken")
	assert.Equal(t, "email_taken", r.apiError(t).Error.Code)
}

func TestIdempotencyKeyReleasedAfterValidationError(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	hdr := map[string]string{"Idempotency-Key": "k-2"}
	r := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, header: hdr, body: map[string]any{"name": "Ann", "role": "viewer"}})
	require.Equal(t, 400, r.Status)
	r = send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, header: hdr, body: map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"}})
	assert.Equal(t, 201, r.Status)
}

func TestIdempotencyStoresConflicts(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	createUser(t, srv, "Ann", "ann@example.com")
	req := request{method: "POST", path: "/users", key: srv.APIKey, header: map[string]string{"Idempotency-Key": "k-3"},
		body: map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"}}
	first := send(t, srv, req)
	require.Equal(t, 409, first.Status)
	second := send(t, srv, req)
	assert.Equal(t, 409, second.Status)
	assert.Equal(t, "true", second.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, first.Body, second.Body)
}

func TestIdempotencyKeyLength(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	r := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, header: map[string]string{"Idempotency-Key": strings.Repeat("k", 256)},
		body: map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"}})
	require.Equal(t, 400, r.Status)
	assert.Equal(t, "Idempotency-Key", r.apiError(t).Error.Param)
	assert.Len(t, srv.Users(), 1)
}

func TestIdempotencyIgnoredOnReads(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	for range 2 {
		r := send(t, srv, request{method: "GET", path: "/users", key: srv.APIKey, header: map[string]string{"Idempotency-Key": "k-4"}})
		require.Equal(t, 200, r.Status)
		assert.Empty(t, r.Header.Get("Idempotent-Replayed"))
	}
}
