package admin

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// This file is the fast path for decoding the JSON of the types that come
// back in bulk: pages of users, groups, projects, clusters and audit
// events, and a single user. encoding/json spends most of a page's decode
// time in reflection and allocates one string per field; this decoder
// walks the bytes once and allocates one string per object for all its
// text.
//
// What it knows of a type is a table built once, when the package starts,
// from the type's struct tags, as encoding/json builds its own: the tags
// are the only list of a type's keys, so a new tagged field is decoded
// with the others. A field of a kind the table has no decoder for makes
// the fast path decline the whole type, which encoding/json then decodes.
//
// The tables also drive decode_gen.go: `go generate` writes a decoder
// for each table that sets the fields directly, without reflection, and
// TestDecodeGenIsCurrent fails when that file is not what the tables give.
// At init each generated decoder is checked against its type's table (its
// fields, keys, kinds and types, nested tables included), and one that does
// not match is not used: a stale decode_gen.go makes the fast path slower,
// never wrong, and the table decodes the type through reflection.
//
// It decodes only what it is sure of: exact keys, strings without
// surrogate escapes and with valid UTF-8, the JSON types the fields call
// for, into a target that is zero. Anything else (a key in another case, a
// duplicate key, a type mismatch, invalid JSON, nesting deeper than
// maxSkipDepth) makes it give up, and encoding/json decodes the body
// instead, so the result is always the one encoding/json gives.
// FuzzDecodeFast checks that.

// wireTables holds the table of each wire type the fast path decodes,
// keyed by the pointer type decodeWire is given.
var wireTables = newWireTables(
	reflect.TypeFor[User](),
	reflect.TypeFor[cursorPageWire[User]](),
	reflect.TypeFor[cursorPageWire[Group]](),
	reflect.TypeFor[cursorPageWire[Project]](),
	reflect.TypeFor[cursorPageWire[Cluster]](),
	reflect.TypeFor[cursorPageWire[AuditEvent]](),
)

// decodeWire decodes the JSON value data holds into out, through the fast
// path when out's type has a table that does not decline it, and through
// decodeJSON otherwise or when the fast path gives up. Nothing decoded
// refers to data afterwards.
func decodeWire(data []byte, out any) error {
	if decodeFast(data, out) {
		return nil
	}
	return decodeJSON(bytes.NewReader(data), out)
}

// decodeFast decodes data, which must hold exactly one JSON value, into
// out if out's type has a table, and reports whether it did. When it did
// not, out is unchanged.
func decodeFast(data []byte, out any) bool {
	tab := wireTables[reflect.TypeOf(out)]
	switch {
	case tab == nil:
		return false
	case tab.gen != nil:
		return tab.gen(data, out)
	}
	return tab.decode(data, reflect.ValueOf(out))
}

//go:generate go test -tags admin_nodecodegen -run ^TestDecodeGenIsCurrent$ . -args -update-decode-gen

// useGenerated makes gen, a decoder decode_gen.go has for the pointer
// type of T, the fast path of T if T has a table whose signature is sig,
// the signature gen was generated from, and reports whether it did.
func useGenerated[T any](tables map[reflect.Type]*wireTable, sig string, object func(*scanner, *T) bool) bool {
	tab := tables[reflect.TypeFor[*T]()]
	if tab == nil || tab.declined != "" || tab.signature() != sig {
		return false
	}
	tab.gen = func(data []byte, out any) bool {
		p, ok := out.(*T)
		return ok && decodeGenerated(data, p, object)
	}
	return true
}

// decodeGenerated is wireTable.decode for a generated decoder: object
// decodes the object into *p.
func decodeGenerated[T any](data []byte, p *T, object func(*scanner, *T) bool) bool {
	if p == nil || !reflect.ValueOf(p).Elem().IsZero() {
		return false
	}
	s := scanners.Get().(*scanner)
	s.data, s.i = data, 0
	ok := object(s, p) && s.end()
	s.free()
	if !ok {
		var zero T
		*p = zero
	}
	return ok
}

// wireTable is what the fast path knows of a struct type.
type wireTable struct {
	// declined says why the fast path leaves the type to encoding/json;
	// when it is set, the table has nothing else.
	declined string
	fields   []wireField // in the struct's order, which is the usual order of the keys
	textMask uint64      // a bit for each field whose value is kept in the object's text
	// byKey finds a field by its key in one probe: the bucket its
	// words' hash (with mul) picks holds the field's index + 1, or 0 when
	// no key hashes there; -1 means "look at every field", for a table
	// whose keys no multiplier tried spreads, or that has a key longer
	// than keyWords holds.
	byKey [1 << 6]int8
	mul   uint64
	// gen is the decoder decode_gen.go has for the type, when it was
	// generated from this table (useGenerated); nil otherwise.
	gen func(data []byte, out any) bool
}

// signature describes what a decoder generated from tab must do: each
// field's key, index in the struct, kind and type, and the signature of
// its nested table. Two tables with one signature decode alike. (A field
// renamed in Go keeps its signature, and a decoder generated before the
// rename no longer compiles.)
func (tab *wireTable) signature() string {
	if tab.declined != "" {
		return "declined"
	}
	var b strings.Builder
	b.WriteString("{")
	for i, f := range tab.fields {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %d %s %s", f.key, f.index, kindNames[f.kind], f.typ)
		if f.sub != nil {
			b.WriteString(" " + f.sub.signature())
		}
	}
	b.WriteString("}")
	return b.String()
}

// wireField is a struct field and the key it is decoded from.
type wireField struct {
	key   string
	words keyWords // of key, when it has 16 bytes or fewer
	index int      // in the struct
	kind  wireKind
	typ   reflect.Type
	sub   *wireTable    // kindObject, kindObjects: the table of the struct
	empty reflect.Value // kindStrings, kindObjects: an empty slice of typ, for []
}

// wireKind is how the fast path decodes a field.
type wireKind uint8

const (
	kindString    wireKind = iota // a string kind: a JSON string
	kindStringPtr                 // a pointer to a string kind: a JSON string
	kindStrings                   // a slice of a string kind: an array of strings
	kindInt                       // a signed integer kind: a JSON integer in range
	kindBool                      // a bool: true or false
	kindTime                      // time.Time: its UnmarshalJSON, as encoding/json calls it
	kindTimePtr                   // *time.Time: the same, or null
	kindJSON                      // a map or an interface: free-form, so encoding/json
	kindObject                    // a struct with a table: a nested object
	kindObjects                   // a slice of such structs: an array of objects
)

var kindNames = [...]string{
	kindString: "string", kindStringPtr: "stringPtr", kindStrings: "strings", kindInt: "int",
	kindBool: "bool", kindTime: "time", kindTimePtr: "timePtr", kindJSON: "json",
	kindObject: "object", kindObjects: "objects",
}

// maxWireFields is the most fields a table takes: the fields seen in an
// object are bits of a uint64.
const maxWireFields = 64

var (
	timeType            = reflect.TypeFor[time.Time]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// newWireTables builds the tables of types, which are struct types.
func newWireTables(types ...reflect.Type) map[reflect.Type]*wireTable {
	b := tableBuilder{}
	m := make(map[reflect.Type]*wireTable, len(types))
	for _, t := range types {
		m[reflect.PointerTo(t)] = b.table(t)
	}
	return m
}

// tableBuilder holds the tables built so far, and nil for a table being
// built, so that a type that contains itself is declined instead of
// followed forever.
type tableBuilder map[reflect.Type]*wireTable

// table returns the table of t.
func (b tableBuilder) table(t reflect.Type) *wireTable {
	if tab, ok := b[t]; ok {
		if tab == nil {
			return declined("%s contains itself", t)
		}
		return tab
	}
	b[t] = nil
	tab := b.build(t)
	b[t] = tab
	return tab
}

func declined(format string, args ...any) *wireTable {
	return &wireTable{declined: fmt.Sprintf(format, args...)}
}

// build derives the table of t from its fields and their json tags, with
// encoding/json's rules: an unexported field or one tagged "-" is not
// decoded, and a field without a name in its tag is decoded from its Go
// name. What those rules allow and the fast path does not follow (an
// embedded struct, the string option, two fields with one key, a type that
// decodes itself) declines the type.
func (b tableBuilder) build(t reflect.Type) *wireTable {
	if t.Kind() != reflect.Struct {
		return declined("%s is not a struct", t)
	}
	if decodesItself(t) {
		return declined("%s decodes itself", t)
	}
	tab := &wireTable{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return declined("%s embeds %s", t, sf.Type)
		}
		tag := sf.Tag.Get("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		key, opts, _ := strings.Cut(tag, ",")
		if key == "" {
			key = sf.Name
		}
		if !plainKey(key) {
			return declined("%s.%s: key %q is not plain ASCII", t, sf.Name, key)
		}
		if opts == "string" || strings.HasPrefix(opts, "string,") || strings.Contains(opts, ",string") {
			return declined("%s.%s: the string option", t, sf.Name)
		}
		for _, f := range tab.fields {
			if f.key == key {
				return declined("%s: two fields with key %q", t, key)
			}
		}
		f := wireField{key: key, index: i, typ: sf.Type}
		if why := b.classify(&f); why != "" {
			return declined("%s.%s: %s", t, sf.Name, why)
		}
		switch f.kind {
		case kindString, kindStringPtr, kindStrings:
			tab.textMask |= 1 << len(tab.fields)
		}
		tab.fields = append(tab.fields, f)
	}
	if len(tab.fields) > maxWireFields {
		return declined("%s has more than %d fields", t, maxWireFields)
	}
	tab.index()
	return tab
}

// index fills byKey, with the first of a few multipliers that gives each
// key a bucket of its own.
func (tab *wireTable) index() {
	short := true
	for i := range tab.fields {
		f := &tab.fields[i]
		var ok bool
		f.words, ok = keyWordsOf([]byte(f.key))
		short = short && ok
	}
	for try := range uint64(64) {
		tab.mul = 0x9E3779B97F4A7C15 + try*0x632BE59BD9B4E01A // odd
		tab.byKey = [len(tab.byKey)]int8{}
		unique := short
		for i := range tab.fields {
			if b := &tab.byKey[tab.fields[i].words.hash(tab.mul)]; *b == 0 {
				*b = int8(i + 1)
			} else {
				*b, unique = -1, false
			}
		}
		if unique {
			return
		}
	}
	for b := range tab.byKey {
		tab.byKey[b] = -1 // every lookup a scan: slower, still right
	}
}

// classify sets f's kind from its type, or says why it has none.
func (b tableBuilder) classify(f *wireField) (why string) {
	t := f.typ
	switch {
	case t == timeType:
		f.kind = kindTime
		return ""
	case t.Kind() == reflect.Pointer && t.Elem() == timeType:
		f.kind = kindTimePtr
		return ""
	case decodesItself(t):
		return t.String() + " decodes itself"
	}
	switch t.Kind() {
	case reflect.String:
		f.kind = kindString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.kind = kindInt
	case reflect.Bool:
		f.kind = kindBool
	case reflect.Map, reflect.Interface:
		f.kind = kindJSON
	case reflect.Pointer:
		if e := t.Elem(); e.Kind() != reflect.String || decodesItself(e) {
			return "no fast decoder for " + t.String()
		}
		f.kind = kindStringPtr
	case reflect.Struct:
		if f.sub = b.table(t); f.sub.declined != "" {
			return f.sub.declined
		}
		f.kind = kindObject
	case reflect.Slice:
		switch e := t.Elem(); {
		case decodesItself(e) || e == timeType:
			return "no fast decoder for " + t.String()
		case e.Kind() == reflect.String:
			f.kind = kindStrings
		case e.Kind() == reflect.Struct:
			if f.sub = b.table(e); f.sub.declined != "" {
				return f.sub.declined
			}
			f.kind = kindObjects
		default:
			return "no fast decoder for " + t.String()
		}
		f.empty = reflect.MakeSlice(t, 0, 0)
	default:
		return "no fast decoder for " + t.String()
	}
	return ""
}

// decodesItself reports whether encoding/json hands values of t to a
// method of t's: UnmarshalJSON or UnmarshalText.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(unmarshalerType) || t.Implements(textUnmarshalerType) ||
		p.Implements(unmarshalerType) || p.Implements(textUnmarshalerType)
}

// plainKey reports whether key is one the scanner matches byte for byte:
// ASCII letters, digits, '_', '-' and '.'.
func plainKey(key string) bool {
	for i := range len(key) {
		switch c := key[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return key != ""
}

// decode decodes data, which must hold exactly one JSON object, into the
// struct p points to, and reports whether it did. It declines a target
// that is not zero, whose fields encoding/json would merge into, and
// leaves it unchanged; a zero one is zero again when decode gives up.
func (tab *wireTable) decode(data []byte, p reflect.Value) bool {
	if tab.declined != "" || p.Kind() != reflect.Pointer || p.IsNil() || p.Type().Elem().Kind() != reflect.Struct {
		return false
	}
	v := p.Elem()
	if !v.IsZero() {
		return false
	}
	s := scanners.Get().(*scanner)
	s.data, s.i = data, 0
	ok := s.object(tab, v) && s.end()
	s.free()
	if !ok {
		v.SetZero()
	}
	return ok
}

// find returns the index of the field whose key is key, or -1.
func (tab *wireTable) find(key []byte) int {
	w, ok := keyWordsOf(key)
	if !ok {
		for i := range tab.fields {
			if tab.fields[i].key == string(key) {
				return i
			}
		}
		return -1
	}
	switch b := tab.byKey[w.hash(tab.mul)]; {
	case b > 0:
		if i := int(b) - 1; tab.fields[i].words == w {
			return i
		}
	case b < 0:
		for i := range tab.fields {
			if tab.fields[i].words == w {
				return i
			}
		}
	}
	return -1
}

// keyWords is a key of 1 to 16 bytes as two words that overlap: its first
// and its last 8 bytes (4, 2 or 1 when it is shorter), and its length.
// Keys of one length are equal exactly when their words are.
type keyWords struct{ lo, hi, n uint64 }

// keyWordsOf returns key's words, or false when key is empty or longer
// than 16 bytes.
func keyWordsOf(key []byte) (keyWords, bool) {
	le := binary.LittleEndian
	switch n := len(key); {
	case n > 16 || n == 0:
		return keyWords{}, false
	case n >= 8:
		return keyWords{le.Uint64(key), le.Uint64(key[n-8:]), uint64(n)}, true
	case n >= 4:
		return keyWords{uint64(le.Uint32(key)), uint64(le.Uint32(key[n-4:])), uint64(n)}, true
	case n >= 2:
		return keyWords{uint64(le.Uint16(key)), uint64(le.Uint16(key[n-2:])), uint64(n)}, true
	default:
		return keyWords{uint64(key[0]), 0, 1}, true
	}
}

// hash returns the bucket of wireTable.byKey for w, with the table's
// multiplier.
func (w keyWords) hash(mul uint64) uint64 {
	return ((w.lo ^ w.hi<<1 ^ w.n) * mul) >> (64 - 6)
}

// folds reports whether key, which no field has, differs from a field's
// key only in case: encoding/json would decode it into that field.
func (tab *wireTable) folds(key []byte) bool {
	for i := range tab.fields {
		if k := tab.fields[i].key; len(k) == len(key) && bytes.EqualFold([]byte(k), key) {
			return true
		}
	}
	return false
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// maxPooledBuffer is the largest buffer kept for its next use: a scanner's
// scratch (buf, spans, slots), or a body buffer (bodyBuffers).
const maxPooledBuffer = 1 << 20

var (
	spanSize = int(reflect.TypeFor[span]().Size())
	slotSize = int(reflect.TypeFor[slot]().Size())
)

// free returns s to the pool, dropping any of its buffers that grew
// beyond maxPooledBuffer on the document it walked.
func (s *scanner) free() {
	if cap(s.buf) > maxPooledBuffer {
		s.buf = nil
	}
	if cap(s.spans)*spanSize > maxPooledBuffer {
		s.spans = nil
	}
	if cap(s.slots)*slotSize > maxPooledBuffer {
		s.slots = nil
	}
	s.data, s.i, s.buf, s.spans, s.slots = nil, 0, s.buf[:0], s.spans[:0], s.slots[:0]
	scanners.Put(s)
}

// scanner walks one JSON document. While an object is decoded, buf
// collects the unescaped text of its strings, spans the spans of its
// string arrays' elements, and slots one slot per field of its table; an
// object nested in it stacks its own on top and takes them off when done.
type scanner struct {
	data  []byte
	i     int
	buf   []byte
	spans []span
	slots []slot
}

// span is a string in scanner.buf.
type span struct{ start, end int }

// slot is where a text field's value is until the object's text is one
// string: a span of buf for a string, a range of spans for a string
// array. set is false when the field was null; a slot of a field the
// object has not had holds garbage.
type slot struct {
	start, end int
	set        bool
}

// object decodes the JSON object that comes next into v, a zero struct of
// tab's type. Keys must be plain ASCII without escapes.
func (s *scanner) object(tab *wireTable, v reflect.Value) bool {
	if !s.eat('{') {
		return false
	}
	text, spans, slots := len(s.buf), len(s.spans), len(s.slots)
	s.slots = slices.Grow(s.slots, len(tab.fields))[:slots+len(tab.fields)]
	var seen uint64
	if !s.eat('}') {
		for {
			key, ok := s.key()
			if !ok {
				return false
			}
			switch i := tab.find(key); {
			case i < 0:
				if tab.folds(key) || !s.skip(0) {
					return false
				}
			case seen&(1<<i) != 0:
				return false // a repeated key, on which encoding/json merges values in ways not worth copying
			default:
				seen |= 1 << i
				if fd := &tab.fields[i]; fd.kind == kindString && s.peek() == '"' {
					// The commonest value, without a call.
					sp, ok := s.str()
					if !ok {
						return false
					}
					s.slots[slots+i] = slotOf(sp.start, sp.end)
				} else if !s.field(fd, v, slots+i) {
					return false
				}
			}
			if s.eat(',') {
				continue
			}
			if !s.eat('}') {
				return false
			}
			break
		}
	}
	if seen&tab.textMask != 0 {
		s.setText(tab, v, text, slots, seen)
	}
	s.buf, s.spans, s.slots = s.buf[:text], s.spans[:spans], s.slots[:slots]
	return true
}

// key reads the key that comes next and the colon after it.
func (s *scanner) key() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	d := s.data
	start := s.i + 1
	j := start
	for j < len(d) && plainByte[d[j]] {
		j++
	}
	if j == len(d) || d[j] != '"' {
		return nil, false
	}
	s.i = j + 1
	return s.data[start:j], s.eat(':')
}

// field decodes the value that comes next into the field fd of the struct
// v. A null leaves the field zero, as encoding/json does with a zero
// target. Text goes into buf and its place into s.slots[slot].
func (s *scanner) field(fd *wireField, v reflect.Value, slot int) bool {
	if s.null() {
		s.slots[slot].set = false
		return true
	}
	switch fd.kind {
	case kindString, kindStringPtr:
		sp, ok := s.str()
		s.slots[slot] = slotOf(sp.start, sp.end)
		return ok
	case kindStrings:
		first := len(s.spans)
		ok := s.strings()
		s.slots[slot] = slotOf(first, len(s.spans))
		return ok
	case kindInt:
		f := v.Field(fd.index)
		n, ok := s.integer()
		if !ok || f.OverflowInt(n) {
			return false
		}
		f.SetInt(n)
		return true
	case kindBool:
		return s.boolean(v.Field(fd.index))
	case kindTime:
		return s.timestamp(v.Field(fd.index).Addr().Interface().(*time.Time))
	case kindTimePtr:
		t := new(time.Time)
		if !s.timestamp(t) {
			return false
		}
		v.Field(fd.index).Set(reflect.ValueOf(t))
		return true
	case kindJSON:
		return s.freeForm(v.Field(fd.index).Addr().Interface())
	case kindObject:
		return s.object(fd.sub, v.Field(fd.index))
	case kindObjects:
		return s.objects(fd, v.Field(fd.index))
	}
	return false
}

func slotOf(start, end int) slot { return slot{start, end, true} }

// setText makes the text of the object in v one string, from mark in buf
// on, and sets its text fields to parts of it: a kept object keeps only
// its own text alive.
func (s *scanner) setText(tab *wireTable, v reflect.Value, mark, slots int, seen uint64) {
	text := string(s.buf[mark:])
	part := func(sp span) string { return text[sp.start-mark : sp.end-mark] }
	for m := seen & tab.textMask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		sl := s.slots[slots+i]
		if !sl.set {
			continue
		}
		fd := &tab.fields[i]
		f := v.Field(fd.index)
		switch fd.kind {
		case kindString:
			f.SetString(part(span{sl.start, sl.end}))
		case kindStringPtr:
			p := reflect.New(fd.typ.Elem())
			p.Elem().SetString(part(span{sl.start, sl.end}))
			f.Set(p)
		case kindStrings:
			n := sl.end - sl.start
			if n == 0 {
				f.Set(fd.empty)
				continue
			}
			f.Grow(n)
			f.SetLen(n)
			for j, sp := range s.spans[sl.start:sl.end] {
				f.Index(j).SetString(part(sp))
			}
		}
	}
}

// strings decodes an array of strings, appending the elements' spans to
// spans.
func (s *scanner) strings() bool {
	if !s.eat('[') {
		return false
	}
	if s.eat(']') {
		return true
	}
	for {
		sp, ok := s.str()
		if !ok {
			return false
		}
		s.spans = append(s.spans, sp)
		if s.eat(',') {
			continue
		}
		return s.eat(']')
	}
}

// objects decodes an array of objects into f, a nil slice of fd's type.
func (s *scanner) objects(fd *wireField, f reflect.Value) bool {
	if !s.eat('[') {
		return false
	}
	if s.eat(']') {
		f.Set(fd.empty)
		return true
	}
	// The first element sizes the slice: pages are uniform. Decoding
	// into the slice keeps the elements off the heap one by one.
	start := s.i
	f.Grow(1)
	f.SetLen(1)
	if !s.object(fd.sub, f.Index(0)) {
		return false
	}
	f.Grow((len(s.data) - s.i) / max(s.i-start, 1))
	for s.eat(',') {
		n := f.Len()
		if n == f.Cap() {
			f.Grow(1)
		}
		f.SetLen(n + 1)
		if !s.object(fd.sub, f.Index(n)) {
			return false
		}
	}
	return s.eat(']')
}

// integer decodes a JSON integer of at most 18 digits.
func (s *scanner) integer() (int64, bool) {
	start := s.i
	neg := s.i < len(s.data) && s.data[s.i] == '-'
	if neg {
		s.i++
	}
	digits := s.i
	var n int64
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		n = n*10 + int64(s.data[s.i]-'0')
		s.i++
	}
	switch nd := s.i - digits; {
	case nd == 0, nd > 18, nd > 1 && s.data[digits] == '0':
		return 0, false
	}
	if s.i < len(s.data) {
		if c := s.data[s.i]; c == '.' || c == 'e' || c == 'E' {
			s.i = start
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// freeForm decodes the JSON value that comes next into p, a pointer to a
// map or an interface, with encoding/json.
func (s *scanner) freeForm(p any) bool {
	start := s.i
	return s.skip(0) && json.Unmarshal(s.data[start:s.i], p) == nil
}

// The helpers below are the generated decoders' (decode_gen.go).

// text decodes a string, or null, into s.slots[slot], as field does for a
// string kind.
func (s *scanner) text(slot int) bool {
	if s.peek() == '"' {
		sp, ok := s.str()
		s.slots[slot] = slotOf(sp.start, sp.end)
		return ok
	}
	s.slots[slot].set = false
	return s.null()
}

// texts decodes an array of strings, or null, into s.slots[slot], as
// field does for a slice of a string kind.
func (s *scanner) texts(slot int) bool {
	if s.null() {
		s.slots[slot].set = false
		return true
	}
	first := len(s.spans)
	ok := s.strings()
	s.slots[slot] = slotOf(first, len(s.spans))
	return ok
}

// textsOf returns the strings of the string array in sl, parts of text,
// which starts at mark in buf.
func textsOf[S ~string](s *scanner, text string, mark int, sl slot) []S {
	if sl.end == sl.start {
		return []S{}
	}
	out := make([]S, sl.end-sl.start)
	for j, sp := range s.spans[sl.start:sl.end] {
		out[j] = S(text[sp.start-mark : sp.end-mark])
	}
	return out
}

// objectsOf decodes an array of objects into *dst, a nil slice, with
// object, as objects does.
func objectsOf[T any](s *scanner, dst *[]T, object func(*scanner, *T) bool) bool {
	if !s.eat('[') {
		return false
	}
	if s.eat(']') {
		*dst = []T{}
		return true
	}
	start := s.i
	out := make([]T, 1)
	if !object(s, &out[0]) {
		return false
	}
	out = slices.Grow(out, (len(s.data)-s.i)/max(s.i-start, 1))
	for s.eat(',') {
		var zero T
		out = append(out, zero)
		if !object(s, &out[len(out)-1]) {
			return false
		}
	}
	*dst = out
	return s.eat(']')
}

// foldsKey reports whether key, which none of keys is, differs from one of
// them only in case, as wireTable.folds does.
func foldsKey(keys []string, key []byte) bool {
	for _, k := range keys {
		if len(k) == len(key) && bytes.EqualFold([]byte(k), key) {
			return true
		}
	}
	return false
}

// boolean decodes true or false into f, a bool.
func (s *scanner) boolean(f reflect.Value) bool {
	switch {
	case s.literal(litTrue):
		f.SetBool(true)
	case s.literal(litFalse):
	default:
		return false
	}
	return true
}

func (s *scanner) ws() {
	d, i := s.data, s.i
	for i < len(d) && (d[i] == ' ' || d[i] == '\n' || d[i] == '\t' || d[i] == '\r') {
		i++
	}
	s.i = i
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

// plainByte tells the bytes a string holds as they are: printable ASCII
// but the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str decodes a string into buf and returns its span.
func (s *scanner) str() (span, bool) {
	if s.peek() != '"' {
		return span{}, false
	}
	s.i++
	start := len(s.buf)
	from, ascii := s.i, true
	d := s.data
	for j := s.i; j < len(d); {
		for j < len(d) && plainByte[d[j]] {
			j++
		}
		if j == len(d) {
			break
		}
		c := d[j]
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

// rawString returns the string literal that comes next, quotes included,
// for a type's own UnmarshalJSON. An escape makes it give up.
func (s *scanner) rawString() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	d := s.data
	j := s.i + 1
	for j < len(d) && (plainByte[d[j]] || d[j] >= 0x80) {
		j++
	}
	if j == len(d) || d[j] != '"' {
		return nil, false
	}
	raw := d[s.i : j+1]
	s.i = j + 1
	return raw, true
}

// timestamp decodes an RFC 3339 string with time.Time's UnmarshalJSON, as
// encoding/json does.
func (s *scanner) timestamp(t *time.Time) bool {
	raw, ok := s.rawString()
	return ok && t.UnmarshalJSON(raw) == nil
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
