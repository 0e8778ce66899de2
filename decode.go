package admin

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"
	"unicode/utf8"
)

// This file is the fast path for decoding the JSON of the types that come
// back in bulk: pages of users, groups, projects, clusters and audit
// events, and a single user. encoding/json spends most of a page's decode
// time in reflection and allocates one string per field; these decoders
// walk the bytes once and allocate one string per object for all its text.
//
// They decode only what they are sure of: exact lower-case keys, strings
// without surrogate escapes and with valid UTF-8, the JSON types the wire
// contract names. Anything else (a key in another case, a duplicate key, a
// type mismatch, invalid JSON, nesting deeper than maxSkipDepth) makes them
// give up, and encoding/json decodes the body instead, so the result is
// always the one encoding/json gives. FuzzDecodeFast checks that.

// fastDecoder is implemented by wire types with a hand-written decoder.
type fastDecoder interface {
	// fastOK reports whether decodeFast can be tried at all.
	fastOK() bool
	// decodeFast decodes data, which must hold exactly one JSON value,
	// into the receiver and reports whether it did. When it did not, the
	// receiver is unchanged.
	decodeFast(data []byte) bool
}

// objectDecoder is implemented by the element types of the pages with a
// fast decoder.
type objectDecoder interface {
	// decodeObject decodes the object at the scanner's position into the
	// zero receiver and reports whether it did.
	decodeObject(s *scanner) bool
}

// decodeWire decodes the JSON value data holds into out, through out's
// fast decoder when it has one, and through decodeJSON otherwise or when
// the fast decoder gives up. Nothing decoded refers to data afterwards.
func decodeWire(data []byte, out any) error {
	if fd, ok := out.(fastDecoder); ok && fd.fastOK() && fd.decodeFast(data) {
		return nil
	}
	return decodeJSON(bytes.NewReader(data), out)
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// maxPooledBuffer is the largest buffer kept for its next use: a scanner's
// scratch, or a body buffer (bodyBuffers).
const maxPooledBuffer = 1 << 20

// release returns the scanner to the pool, without anything decoded.
func (s *scanner) release() {
	if cap(s.buf) > maxPooledBuffer {
		s.buf = nil
	}
	s.data, s.i, s.buf, s.spans = nil, 0, s.buf[:0], s.spans[:0]
	scanners.Put(s)
}

// decodeTop decodes data with f, which must consume one value, and then
// expects only white space.
func decodeTop(data []byte, f func(s *scanner) bool) bool {
	s := scanners.Get().(*scanner)
	s.data, s.i = data, 0
	ok := f(s) && s.end()
	s.data = nil
	scanners.Put(s)
	return ok
}

// scanner walks one JSON document. buf collects the unescaped text of the
// object being decoded, spans the spans of a string array's elements.
type scanner struct {
	data  []byte
	i     int
	buf   []byte
	spans []span
}

// span is a string in scanner.buf.
type span struct{ start, end int }

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// eat consumes c, after white space, if it comes next.
func (s *scanner) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.data)
}

// null consumes a null if one comes next.
func (s *scanner) null() bool {
	if s.peek() == 'n' && bytes.HasPrefix(s.data[s.i:], litNull) {
		s.i += len(litNull)
		return true
	}
	return false
}

var (
	litNull  = []byte("null")
	litTrue  = []byte("true")
	litFalse = []byte("false")
)

// boolean decodes true or false into v; null leaves v alone.
func (s *scanner) boolean(v *bool) bool {
	switch s.peek() {
	case 't':
		if bytes.HasPrefix(s.data[s.i:], litTrue) {
			s.i += len(litTrue)
			*v = true
			return true
		}
	case 'f':
		if bytes.HasPrefix(s.data[s.i:], litFalse) {
			s.i += len(litFalse)
			*v = false
			return true
		}
	case 'n':
		return s.null()
	}
	return false
}

// object calls field for each key of the object that comes next, with the
// scanner at the key's value. Keys must be plain ASCII without escapes.
func (s *scanner) object(field func(key []byte) bool) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		if s.peek() != '"' {
			return false
		}
		start := s.i + 1
		j := start
		for j < len(s.data) && s.data[j] != '"' {
			if c := s.data[j]; c < 0x20 || c >= 0x80 || c == '\\' {
				return false
			}
			j++
		}
		if j == len(s.data) {
			return false
		}
		s.i = j + 1
		if !s.eat(':') {
			return false
		}
		s.ws()
		if !field(s.data[start:j]) {
			return false
		}
		if s.eat(',') {
			continue
		}
		return s.eat('}')
	}
}

// unknown skips the value of a key no field is named for. A key that only
// differs in case from a field's name is one encoding/json would match, so
// the decoder gives up on it.
func (s *scanner) unknown(key []byte, names []string) bool {
	for _, n := range names {
		if len(n) == len(key) && bytes.EqualFold([]byte(n), key) {
			return false
		}
	}
	return s.skip(0)
}

// str decodes a string into buf and returns its span.
func (s *scanner) str() (span, bool) {
	if s.peek() != '"' {
		return span{}, false
	}
	s.i++
	start := len(s.buf)
	from, ascii := s.i, true
	for j := s.i; j < len(s.data); {
		c := s.data[j]
		switch {
		case c == '"', c == '\\':
			seg := s.data[from:j]
			if !ascii && !utf8.Valid(seg) {
				return span{}, false
			}
			s.buf = append(s.buf, seg...)
			if c == '"' {
				s.i = j + 1
				return span{start, len(s.buf)}, true
			}
			n, ok := s.escape(j)
			if !ok {
				return span{}, false
			}
			j += n
			from, ascii = j, true
		case c < 0x20:
			return span{}, false
		default:
			if c >= 0x80 {
				ascii = false
			}
			j++
		}
	}
	return span{}, false
}

// escape appends the character the escape at j stands for to buf and
// returns the escape's length. Surrogates are left to encoding/json.
func (s *scanner) escape(j int) (int, bool) {
	if j+1 >= len(s.data) {
		return 0, false
	}
	var c byte
	switch s.data[j+1] {
	case '"', '\\', '/':
		c = s.data[j+1]
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		r, ok := hex4(s.data[j+2:])
		if !ok || (r >= 0xD800 && r < 0xE000) {
			return 0, false
		}
		s.buf = utf8.AppendRune(s.buf, r)
		return 6, true
	default:
		return 0, false
	}
	s.buf = append(s.buf, c)
	return 2, true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// strOrNull decodes a string into buf, or consumes a null, which leaves the
// field as it was: set reports which.
func (s *scanner) strOrNull() (sp span, set, ok bool) {
	if s.null() {
		return span{}, false, true
	}
	sp, ok = s.str()
	return sp, ok, ok
}

// strings decodes an array of strings, or null, appending the elements'
// spans to spans; list says where they are.
func (s *scanner) strings() (list spanList, ok bool) {
	if s.null() {
		return spanList{null: true}, true
	}
	if !s.eat('[') {
		return list, false
	}
	list.first = len(s.spans)
	if s.eat(']') {
		return list, true
	}
	for {
		sp, ok := s.str()
		if !ok {
			return list, false
		}
		s.spans = append(s.spans, sp)
		list.n++
		if s.eat(',') {
			continue
		}
		return list, s.eat(']')
	}
}

// spanList is where a string array's elements are in scanner.spans; null
// is a JSON null.
type spanList struct {
	first, n int
	null     bool
}

// stringSlice turns a string array's spans into strings of text; null is
// a nil slice.
func stringSlice[S ~string](s *scanner, text string, l spanList) []S {
	if l.null {
		return nil
	}
	out := make([]S, l.n)
	for i, sp := range s.spans[l.first : l.first+l.n] {
		out[i] = S(text[sp.start:sp.end])
	}
	return out
}

// fields holds an object's string fields (up to 8) as spans until its text
// becomes one string.
type fields struct {
	sp  [8]span
	set uint8
}

// read decodes string field i, or null, which leaves it unset.
func (f *fields) read(s *scanner, i int) bool {
	sp, set, ok := s.strOrNull()
	if set {
		f.sp[i] = sp
		f.set |= 1 << i
	}
	return ok
}

// assign sets *dst to field i if the object had it.
func assign[S ~string](f *fields, text string, i int, dst *S) {
	if f.set&(1<<i) != 0 {
		*dst = S(text[f.sp[i].start:f.sp[i].end])
	}
}

// text returns buf as one string, for the object's fields to share.
func (s *scanner) text() string { return string(s.buf) }

// rawString returns the string literal that comes next, quotes included,
// for a type's own UnmarshalJSON. An escape makes it give up.
func (s *scanner) rawString() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	for j := s.i + 1; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			raw := s.data[s.i : j+1]
			s.i = j + 1
			return raw, true
		case c == '\\', c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// timestamp decodes an RFC 3339 string with time.Time's UnmarshalJSON, as
// encoding/json does; null leaves t alone.
func (s *scanner) timestamp(t *time.Time) bool {
	if s.null() {
		return true
	}
	raw, ok := s.rawString()
	return ok && t.UnmarshalJSON(raw) == nil
}

// timestampPtr decodes an RFC 3339 string or null (nil).
func (s *scanner) timestampPtr(t **time.Time) bool {
	if s.null() {
		*t = nil
		return true
	}
	raw, ok := s.rawString()
	if !ok {
		return false
	}
	v := new(time.Time)
	if v.UnmarshalJSON(raw) != nil {
		return false
	}
	*t = v
	return true
}

// integer decodes a JSON integer that fits an int; null leaves v alone.
func (s *scanner) integer(v *int) bool {
	if s.null() {
		return true
	}
	start := s.i
	neg := s.i < len(s.data) && s.data[s.i] == '-'
	if neg {
		s.i++
	}
	digits := s.i
	var n int
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		n = n*10 + int(s.data[s.i]-'0')
		s.i++
	}
	switch nd := s.i - digits; {
	case nd == 0, nd > 18, nd > 1 && s.data[digits] == '0':
		return false
	}
	if s.i < len(s.data) {
		if c := s.data[s.i]; c == '.' || c == 'e' || c == 'E' {
			s.i = start
			return false
		}
	}
	if neg {
		n = -n
	}
	*v = n
	return true
}

// maxSkipDepth is the deepest nesting skip follows.
const maxSkipDepth = 64

// skip steps over one JSON value, checking its syntax as encoding/json
// does.
func (s *scanner) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch c := s.peek(); {
	case c == '"':
		return s.skipString()
	case c == '{':
		s.i++
		if s.eat('}') {
			return true
		}
		for {
			if s.peek() != '"' || !s.skipString() || !s.eat(':') || !s.skip(depth+1) {
				return false
			}
			if s.eat(',') {
				continue
			}
			return s.eat('}')
		}
	case c == '[':
		s.i++
		if s.eat(']') {
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			if s.eat(',') {
				continue
			}
			return s.eat(']')
		}
	case c == 't':
		return s.literal(litTrue)
	case c == 'f':
		return s.literal(litFalse)
	case c == 'n':
		return s.literal(litNull)
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	return false
}

func (s *scanner) literal(lit []byte) bool {
	if bytes.HasPrefix(s.data[s.i:], lit) {
		s.i += len(lit)
		return true
	}
	return false
}

func (s *scanner) skipString() bool {
	for j := s.i + 1; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			s.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if j+1 >= len(s.data) {
				return false
			}
			switch s.data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if _, ok := hex4(s.data[j+2:]); !ok {
					return false
				}
				j += 5
			default:
				return false
			}
		}
	}
	return false
}

// number steps over a number in JSON's grammar.
func (s *scanner) number() bool {
	d := s.data
	i := s.i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return false
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return false
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	s.i = i
	return true
}

// elements decodes an array of objects, or null (nil), into *out.
func elements[T any, PT interface {
	*T
	objectDecoder
}](s *scanner, out *[]T) bool {
	if s.null() {
		*out = nil
		return true
	}
	if !s.eat('[') {
		return false
	}
	if s.eat(']') {
		*out = []T{}
		return true
	}
	// The first element sizes the slice: pages are uniform. Decoding
	// into the slice keeps the elements off the heap one by one.
	first := make([]T, 1)
	start := s.i
	if s.peek() != '{' || !PT(&first[0]).decodeObject(s) {
		return false
	}
	items := append(make([]T, 0, 1+(len(s.data)-s.i)/max(s.i-start, 1)), first[0])
	for s.eat(',') {
		var zero T
		items = append(items, zero)
		if s.peek() != '{' || !PT(&items[len(items)-1]).decodeObject(s) {
			return false
		}
	}
	if !s.eat(']') {
		return false
	}
	*out = items
	return true
}

// The page wire types decode fast when their elements do.

func (w *cursorPageWire[T]) fastOK() bool {
	_, ok := any((*T)(nil)).(objectDecoder)
	return ok
}

func (w *cursorPageWire[T]) decodeFast(data []byte) bool {
	var v cursorPageWire[T]
	var seen uint8
	ok := decodeTop(data, func(s *scanner) bool {
		return s.object(func(key []byte) bool {
			var bit uint8
			var ok bool
			switch string(key) {
			case "data":
				bit, ok = 1, decodeElements(s, &v.Data)
			case "meta":
				bit, ok = 2, v.decodeMeta(s)
			default:
				return s.unknown(key, cursorPageNames)
			}
			if seen&bit != 0 {
				return false
			}
			seen |= bit
			return ok
		})
	})
	if ok {
		*w = v
	}
	return ok
}

var (
	cursorPageNames = []string{"data", "meta"}
	pageMetaNames   = []string{"next_cursor", "has_more"}
	kongPageNames   = []string{"data", "next", "offset"}
)

func (w *cursorPageWire[T]) decodeMeta(s *scanner) bool {
	if s.null() {
		return true
	}
	var seen uint8
	return s.object(func(key []byte) bool {
		var bit uint8
		var ok bool
		switch string(key) {
		case "next_cursor":
			bit, ok = 1, s.optString(&w.Meta.NextCursor)
		case "has_more":
			bit, ok = 2, s.boolean(&w.Meta.HasMore)
		default:
			return s.unknown(key, pageMetaNames)
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return ok
	})
}

// optString decodes a string or null (nil) into a *string of its own.
func (s *scanner) optString(v **string) bool {
	if s.null() {
		*v = nil
		return true
	}
	mark := len(s.buf)
	sp, ok := s.str()
	if !ok {
		return false
	}
	str := string(s.buf[sp.start:sp.end])
	s.buf = s.buf[:mark]
	*v = &str
	return true
}

func (w *kongPageWire[T]) fastOK() bool {
	_, ok := any((*T)(nil)).(objectDecoder)
	return ok
}

func (w *kongPageWire[T]) decodeFast(data []byte) bool {
	var v kongPageWire[T]
	var seen uint8
	ok := decodeTop(data, func(s *scanner) bool {
		return s.object(func(key []byte) bool {
			var bit uint8
			var ok bool
			switch string(key) {
			case "data":
				bit, ok = 1, decodeElements(s, &v.Data)
			case "next":
				bit, ok = 2, s.optString(&v.Next)
			case "offset":
				bit, ok = 4, s.optString(&v.Offset)
			default:
				return s.unknown(key, kongPageNames)
			}
			if seen&bit != 0 {
				return false
			}
			seen |= bit
			return ok
		})
	})
	if ok {
		*w = v
	}
	return ok
}

// decodeElements decodes the data array of a page whose element type has a
// fast decoder.
func decodeElements[T any](s *scanner, out *[]T) bool {
	switch p := any(out).(type) {
	case *[]User:
		return elements(s, p)
	case *[]Group:
		return elements(s, p)
	case *[]Project:
		return elements(s, p)
	case *[]Cluster:
		return elements(s, p)
	case *[]AuditEvent:
		return elements(s, p)
	}
	return false
}

// fieldSet tracks the keys an object has had, so that a repeated key, on
// which encoding/json merges values in ways not worth copying, makes the
// decoder give up.
type fieldSet uint32

func (f *fieldSet) add(bit fieldSet) bool {
	if *f&bit != 0 {
		return false
	}
	*f |= bit
	return true
}

// A single user, as Get, Create and Update return it, decodes fast too.

func (u *User) fastOK() bool { return true }

func (u *User) decodeFast(data []byte) bool {
	var v User
	ok := decodeTop(data, func(s *scanner) bool { return s.peek() == '{' && v.decodeObject(s) })
	if ok {
		*u = v
	}
	return ok
}

var userNames = []string{"id", "name", "email", "role", "status", "groups", "created_at", "updated_at", "last_login_at"}

func (u *User) decodeObject(s *scanner) bool {
	s.buf, s.spans = s.buf[:0], s.spans[:0]
	var f fields
	var groups spanList
	var seen fieldSet
	ok := s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "id":
			return f.read(s, 0) && seen.add(1<<0)
		case "name":
			return f.read(s, 1) && seen.add(1<<1)
		case "email":
			return f.read(s, 2) && seen.add(1<<2)
		case "role":
			return f.read(s, 3) && seen.add(1<<3)
		case "status":
			return f.read(s, 4) && seen.add(1<<4)
		case "groups":
			groups, ok = s.strings()
			return ok && seen.add(1<<5)
		case "created_at":
			return s.timestamp(&u.CreatedAt) && seen.add(1<<6)
		case "updated_at":
			return s.timestamp(&u.UpdatedAt) && seen.add(1<<7)
		case "last_login_at":
			return s.timestampPtr(&u.LastLoginAt) && seen.add(1<<8)
		}
		return s.unknown(key, userNames)
	})
	if !ok {
		return false
	}
	text := s.text()
	assign(&f, text, 0, &u.ID)
	assign(&f, text, 1, &u.Name)
	assign(&f, text, 2, &u.Email)
	assign(&f, text, 3, &u.Role)
	assign(&f, text, 4, &u.Status)
	if seen&(1<<5) != 0 {
		u.Groups = stringSlice[string](s, text, groups)
	}
	return true
}

var groupNames = []string{"name", "roles", "members", "created_by", "created_at", "updated_at"}

func (g *Group) decodeObject(s *scanner) bool {
	s.buf, s.spans = s.buf[:0], s.spans[:0]
	var f fields
	var roles, members spanList
	var seen fieldSet
	ok := s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "name":
			return f.read(s, 0) && seen.add(1<<0)
		case "roles":
			roles, ok = s.strings()
			return ok && seen.add(1<<1)
		case "members":
			members, ok = s.strings()
			return ok && seen.add(1<<2)
		case "created_by":
			return f.read(s, 1) && seen.add(1<<3)
		case "created_at":
			return s.timestamp(&g.CreatedAt) && seen.add(1<<4)
		case "updated_at":
			return s.timestamp(&g.UpdatedAt) && seen.add(1<<5)
		}
		return s.unknown(key, groupNames)
	})
	if !ok {
		return false
	}
	text := s.text()
	assign(&f, text, 0, &g.Name)
	assign(&f, text, 1, &g.CreatedBy)
	if seen&(1<<1) != 0 {
		g.Roles = stringSlice[Role](s, text, roles)
	}
	if seen&(1<<2) != 0 {
		g.Members = stringSlice[string](s, text, members)
	}
	return true
}

var projectNames = []string{"id", "name", "description", "cluster_id", "deserved_gpus", "members", "created_at", "updated_at"}

func (p *Project) decodeObject(s *scanner) bool {
	s.buf, s.spans = s.buf[:0], s.spans[:0]
	var f fields
	var members spanList
	var seen fieldSet
	ok := s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "id":
			return f.read(s, 0) && seen.add(1<<0)
		case "name":
			return f.read(s, 1) && seen.add(1<<1)
		case "description":
			return f.read(s, 2) && seen.add(1<<2)
		case "cluster_id":
			return f.read(s, 3) && seen.add(1<<3)
		case "deserved_gpus":
			return s.integer(&p.DeservedGPUs) && seen.add(1<<4)
		case "members":
			members, ok = s.strings()
			return ok && seen.add(1<<5)
		case "created_at":
			return s.timestamp(&p.CreatedAt) && seen.add(1<<6)
		case "updated_at":
			return s.timestamp(&p.UpdatedAt) && seen.add(1<<7)
		}
		return s.unknown(key, projectNames)
	})
	if !ok {
		return false
	}
	text := s.text()
	assign(&f, text, 0, &p.ID)
	assign(&f, text, 1, &p.Name)
	assign(&f, text, 2, &p.Description)
	assign(&f, text, 3, &p.ClusterID)
	if seen&(1<<5) != 0 {
		p.Members = stringSlice[string](s, text, members)
	}
	return true
}

var clusterNames = []string{"id", "name", "description", "created_at"}

func (c *Cluster) decodeObject(s *scanner) bool {
	s.buf, s.spans = s.buf[:0], s.spans[:0]
	var f fields
	var seen fieldSet
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return f.read(s, 0) && seen.add(1<<0)
		case "name":
			return f.read(s, 1) && seen.add(1<<1)
		case "description":
			return f.read(s, 2) && seen.add(1<<2)
		case "created_at":
			return s.timestamp(&c.CreatedAt) && seen.add(1<<3)
		}
		return s.unknown(key, clusterNames)
	})
	if !ok {
		return false
	}
	text := s.text()
	assign(&f, text, 0, &c.ID)
	assign(&f, text, 1, &c.Name)
	assign(&f, text, 2, &c.Description)
	return true
}

var auditEventNames = []string{"id", "action", "user_id", "target_type", "target_id", "ip", "created_at", "metadata"}

// decodeObject decodes an audit event; its free-form metadata goes through
// encoding/json.
func (e *AuditEvent) decodeObject(s *scanner) bool {
	s.buf, s.spans = s.buf[:0], s.spans[:0]
	var f fields
	var seen fieldSet
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return f.read(s, 0) && seen.add(1<<0)
		case "action":
			return f.read(s, 1) && seen.add(1<<1)
		case "user_id":
			return f.read(s, 2) && seen.add(1<<2)
		case "target_type":
			return f.read(s, 3) && seen.add(1<<3)
		case "target_id":
			return f.read(s, 4) && seen.add(1<<4)
		case "ip":
			return f.read(s, 5) && seen.add(1<<5)
		case "created_at":
			return s.timestamp(&e.CreatedAt) && seen.add(1<<6)
		case "metadata":
			start := s.i
			return s.skip(0) && json.Unmarshal(s.data[start:s.i], &e.Metadata) == nil && seen.add(1<<7)
		}
		return s.unknown(key, auditEventNames)
	})
	if !ok {
		return false
	}
	text := s.text()
	assign(&f, text, 0, &e.ID)
	assign(&f, text, 1, &e.Action)
	assign(&f, text, 2, &e.UserID)
	assign(&f, text, 3, &e.TargetType)
	assign(&f, text, 4, &e.TargetID)
	assign(&f, text, 5, &e.IP)
	return true
}
