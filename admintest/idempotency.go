package admintest

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// idempotencyTTL is how long a key's answer is kept.
const idempotencyTTL = 24 * time.Hour

type idemEntry struct {
	fingerprint string
	done        bool
	res         result
	expires     time.Time
}

// idemStore maps (principal, key) to the request that first used the key and,
// once it finished, its answer.
type idemStore struct {
	mu      sync.Mutex
	entries map[string]*idemEntry
	claims  int
}

type idemOutcome int

const (
	idemClaimed  idemOutcome = iota // new key: run the request, then finish
	idemReplay                      // same request finished before: send the stored answer
	idemReused                      // same key, different request
	idemInFlight                    // same request still running
)

func newIdemStore() *idemStore { return &idemStore{entries: map[string]*idemEntry{}} }

func fingerprint(method, uri string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + uri + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// begin claims key for a request or says why it cannot.
func (st *idemStore) begin(scope, key, fp string, now time.Time) (idemOutcome, result) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := scope + "\x00" + key
	if e, ok := st.entries[k]; ok && now.Before(e.expires) {
		switch {
		case e.fingerprint != fp:
			return idemReused, result{}
		case !e.done:
			return idemInFlight, result{}
		default:
			return idemReplay, e.res.clone()
		}
	}
	st.claims++
	if st.claims%256 == 0 {
		for ek, e := range st.entries {
			if e.done && !now.Before(e.expires) {
				delete(st.entries, ek)
			}
		}
	}
	st.entries[k] = &idemEntry{fingerprint: fp, expires: now.Add(idempotencyTTL)}
	return idemClaimed, result{}
}

// finish stores the answer to a claimed key, or releases the key when the
// answer is not worth keeping (validation errors, too large, server errors).
func (st *idemStore) finish(scope, key string, res result) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := scope + "\x00" + key
	if res.status == 400 || res.status == 413 || res.status >= 500 {
		delete(st.entries, k)
		return
	}
	if e, ok := st.entries[k]; ok {
		e.done, e.res = true, res.clone()
	}
}

func (st *idemStore) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	clear(st.entries)
}
