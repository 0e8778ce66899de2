package main

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is the part of the users one of N cooperating processes syncs:
// the users whose email hashes to I. The zero value is every user.
//
// The hash is 32-bit FNV-1a of the email trimmed and lower-cased (the
// form the API compares emails in), taken modulo N. It depends on nothing
// but the email, so every process, on any machine and in any run, puts a
// user in the same shard, and a user in the file and the same user in the
// API always meet in one shard.
type Shard struct {
	I, N int
}

// maxShards bounds N: more processes than that would each sync a handful
// of users while all of them list every user.
const maxShards = 1024

// String returns the shard as i/n, or "" for every user.
func (s *Shard) String() string {
	if s.N == 0 {
		return ""
	}
	return strconv.Itoa(s.I) + "/" + strconv.Itoa(s.N)
}

// Set parses "i/n", with 0 <= i < n and 1 <= n <= 1024.
func (s *Shard) Set(v string) error {
	is, ns, ok := strings.Cut(strings.TrimSpace(v), "/")
	i, ierr := strconv.Atoi(is)
	n, nerr := strconv.Atoi(ns)
	switch {
	case !ok || ierr != nil || nerr != nil:
		return fmt.Errorf("want i/n, such as 0/4")
	case n < 1 || n > maxShards:
		return fmt.Errorf("n must be 1 to %d", maxShards)
	case i < 0 || i >= n:
		return fmt.Errorf("i must be 0 to n-1 (0 to %d)", n-1)
	}
	*s = Shard{I: i, N: n}
	return nil
}

// All reports whether the shard is every user.
func (s Shard) All() bool { return s.N <= 1 }

// Has reports whether the user with email belongs to the shard.
func (s Shard) Has(email string) bool {
	if s.All() {
		return true
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(normEmail(email)))
	return int(h.Sum32()%uint32(s.N)) == s.I
}
