package admintest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// randomHex returns 2n random hexadecimal digits.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newID returns prefix followed by a monotonic counter and a random tail, so ids
// sort in creation order and are never reused, not even after Reset.
func (s *service) newID(prefix string) string {
	return fmt.Sprintf("%s%010x%s", prefix, s.seq.Add(1), randomHex(3))
}

// newUUID returns a random (version 4) UUID, the id format of Kong's admins.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func newRequestID() string { return "req_" + randomHex(8) }
