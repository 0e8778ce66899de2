package admintest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// sortedIndex keeps a set of string keys in ascending order. Pages are walked by
// key, never by position, so a cursor holding the last key seen stays valid while
// keys are added and removed.
type sortedIndex struct{ keys []string }

func (x *sortedIndex) insert(k string) {
	if i, found := slices.BinarySearch(x.keys, k); !found {
		x.keys = slices.Insert(x.keys, i, k)
	}
}

func (x *sortedIndex) remove(k string) bool {
	i, found := slices.BinarySearch(x.keys, k)
	if found {
		x.keys = slices.Delete(x.keys, i, i+1)
	}
	return found
}

func (x *sortedIndex) has(k string) bool {
	_, found := slices.BinarySearch(x.keys, k)
	return found
}

func (x *sortedIndex) len() int { return len(x.keys) }

// after returns the position of the first key greater than k ("" = the start).
func (x *sortedIndex) after(k string) int {
	if k == "" {
		return 0
	}
	i, found := slices.BinarySearch(x.keys, k)
	if found {
		return i + 1
	}
	return i
}

func (x *sortedIndex) clone() sortedIndex { return sortedIndex{keys: slices.Clone(x.keys)} }

// page collects up to limit keys after the key after that satisfy match, and
// reports whether more such keys follow.
func (x *sortedIndex) page(after string, limit int, match func(string) bool) (keys []string, more bool) {
	for _, k := range x.keys[x.after(after):] {
		if match != nil && !match(k) {
			continue
		}
		if len(keys) == limit {
			return keys, true
		}
		keys = append(keys, k)
	}
	return keys, false
}

// pageMeta is the "meta" object of a cursor page.
type pageMeta struct {
	NextCursor *string `json:"next_cursor"`
	HasMore    bool    `json:"has_more"`
}

// cursorPage is a page in the cursor style.
type cursorPage[T any] struct {
	Data []T      `json:"data"`
	Meta pageMeta `json:"meta"`
}

func newCursorPage[T any](kind string, data []T, keys []string, more bool) cursorPage[T] {
	if data == nil {
		data = []T{}
	}
	p := cursorPage[T]{Data: data, Meta: pageMeta{HasMore: more}}
	if more && len(keys) > 0 {
		c := encodeCursor(kind, keys[len(keys)-1])
		p.Meta.NextCursor = &c
	}
	return p
}

// encodeCursor makes an opaque cursor from a resource kind and the last key seen.
func encodeCursor(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1\x00" + kind + "\x00" + key))
}

func decodeCursor(kind, s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(string(b), "c1\x00"+kind+"\x00")
	if !ok || rest == "" {
		return "", false
	}
	return rest, true
}

// cursorParams reads limit (1-100, default 20) and cursor from the query.
func cursorParams(q url.Values, kind string) (limit int, after string, e *apiError) {
	limit = 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, "", &apiError{status: 400, code: "invalid_request", param: "limit",
				message: "limit must be an integer between 1 and 100."}
		}
		limit = n
	}
	if v := q.Get("cursor"); v != "" {
		k, ok := decodeCursor(kind, v)
		if !ok {
			return 0, "", &apiError{status: 400, code: "invalid_request", param: "cursor",
				message: "cursor is not a cursor this endpoint issued."}
		}
		after = k
	}
	return limit, after, nil
}

// kongPage is a page in Kong's style.
type kongPage[T any] struct {
	Data   []T     `json:"data"`
	Next   *string `json:"next"`
	Offset string  `json:"offset,omitempty"`
}

// kongParams reads size (1-1000, default 100) and offset from the query.
func kongParams(q url.Values, kind string) (size int, after string, e *apiError) {
	size = 100
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return 0, "", &apiError{status: 400, param: "size", message: "size must be an integer between 1 and 1000"}
		}
		size = n
	}
	if v := q.Get("offset"); v != "" {
		k, ok := decodeCursor(kind, v)
		if !ok {
			return 0, "", &apiError{status: 400, param: "offset", message: "invalid offset"}
		}
		after = k
	}
	return size, after, nil
}

func newKongPage[T any](path, kind string, data []T, keys []string, more bool, size int) kongPage[T] {
	if data == nil {
		data = []T{}
	}
	p := kongPage[T]{Data: data}
	if more && len(keys) > 0 {
		p.Offset = encodeCursor(kind, keys[len(keys)-1])
		next := fmt.Sprintf("%s?offset=%s&size=%d", path, url.QueryEscape(p.Offset), size)
		p.Next = &next
	}
	return p
}
