package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReadProgress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tty  bool
		want string
	}{
		{"pipe", false, "sync-users: reading users: 100 so far\nsync-users: reading users: 200 so far\nsync-users: read 1 user and 1 group\n"},
		{"terminal", true, "\rsync-users: reading users: 100 so far\rsync-users: reading users: 200 so far\r\033[Ksync-users: read 1 user and 1 group\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			p := &readProgress{w: &b, tty: tt.tty}
			p.users(100)
			p.users(200)
			p.done(1, 1)
			assert.Equal(t, tt.want, b.String())
		})
	}
}
