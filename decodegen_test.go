package admin

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"go/format"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file is the generator of decode_gen.go: it writes, from the tables
// in wireTables, a decoder for each struct type they hold that does what
// scanner.object does with the table, with the keys in a switch and the
// fields set directly. `go generate` runs it (see decode.go); without the
// admin_nodecodegen tag, it checks that decode_gen.go is current.

var updateDecodeGen = flag.Bool("update-decode-gen", false, "write decode_gen.go from wireTables instead of checking it")

// kindTables holds the table of wireKinds, which has a field of every
// kind, for decode_kinds_gen_test.go: TestWireTableRules checks the
// decoder generated from it against the table.
var kindTables = newWireTables(reflect.TypeFor[wireKinds]())

// TestDecodeGenIsCurrent fails when decode_gen.go, or the decoders
// generated for the tests, are not what the generator writes from the
// tables today: run `go generate .`.
func TestDecodeGenIsCurrent(t *testing.T) {
	for _, tt := range []struct {
		file, tables, prefix string
		tabs                 map[reflect.Type]*wireTable
	}{
		{"decode_gen.go", "wireTables", "decode", wireTables},
		{"decode_kinds_gen_test.go", "kindTables", "decodeTest", kindTables},
	} {
		t.Run(tt.file, func(t *testing.T) {
			src, err := generateDecoders(tt.tabs, tt.tables, tt.prefix)
			require.NoError(t, err)
			if *updateDecodeGen {
				require.NoError(t, os.WriteFile(tt.file, src, 0o644))
				return
			}
			have, err := os.ReadFile(tt.file)
			require.NoError(t, err)
			if !bytes.Equal(have, src) {
				t.Fatalf("%s is not current: run `go generate .` in the root module", tt.file)
			}
		})
	}
}

// TestGeneratedDecodersAreUsed checks that every table in wireTables has
// its generated decoder: a decode_gen.go that is not current, or that
// useGenerated rejected, fails it.
func TestGeneratedDecodersAreUsed(t *testing.T) {
	t.Parallel()
	for _, tables := range []map[reflect.Type]*wireTable{wireTables, kindTables} {
		for ptr, tab := range tables {
			assert.NotNil(t, tab.gen, "%s has no generated decoder in use", ptr.Elem())
		}
	}
}

// TestUseGeneratedChecksTheSignature checks that a generated decoder is
// used only for the table it was generated from: a field added, removed,
// given another key or another type since makes useGenerated refuse it.
func TestUseGeneratedChecksTheSignature(t *testing.T) {
	t.Parallel()
	object := func(*scanner, *wireNested) bool { return true }
	sig := tableBuilder{}.table(reflect.TypeFor[wireNested]()).signature()
	for _, tt := range []struct {
		name string
		sig  string
		used bool
	}{
		{"current", sig, true},
		{"a field less", strings.Replace(sig, "; tags 1 strings []string", "", 1), false},
		{"another key", strings.Replace(sig, "tags 1", "labels 1", 1), false},
		{"another kind", strings.Replace(sig, "x 0 int int", "x 0 bool bool", 1), false},
		{"empty", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEqual(t, tt.sig == sig, !tt.used, "the test's own signature edit did nothing")
			tables := newWireTables(reflect.TypeFor[wireNested]())
			assert.Equal(t, tt.used, useGenerated(tables, tt.sig, object))
			assert.Equal(t, tt.used, tables[reflect.TypeFor[*wireNested]()].gen != nil)
		})
	}
	declined := newWireTables(reflect.TypeFor[wireTree]())
	assert.False(t, useGenerated(declined, "declined", func(*scanner, *wireTree) bool { return true }))
}

// genStruct is a struct type the generator writes a decoder for.
type genStruct struct {
	typ  reflect.Type
	tab  *wireTable
	name string // of its decoder, a method of scanner
}

// decoderGen holds what the generator has found so far.
type decoderGen struct {
	prefix  string // of the decoders' names
	pkgPath string
	structs []*genStruct
	byType  map[reflect.Type]*genStruct
	names   map[string]bool
	imports map[string]bool
}

// generateDecoders returns the source of decoders for tables, the value
// of the variable tablesVar, each named prefix and its type's name.
func generateDecoders(tables map[reflect.Type]*wireTable, tablesVar, prefix string) ([]byte, error) {
	g := &decoderGen{
		prefix:  prefix,
		pkgPath: reflect.TypeFor[User]().PkgPath(),
		byType:  map[reflect.Type]*genStruct{},
		names:   map[string]bool{},
		imports: map[string]bool{},
	}
	ptrs := slices.SortedFunc(func(yield func(reflect.Type) bool) {
		for p := range tables {
			if !yield(p) {
				return
			}
		}
	}, func(a, b reflect.Type) int { return cmp.Compare(a.String(), b.String()) })
	var tops []*genStruct
	for _, p := range ptrs {
		tab := tables[p]
		if tab.declined != "" {
			continue // encoding/json decodes it: nothing to generate
		}
		tops = append(tops, g.add(p.Elem(), tab, ""))
	}

	var body bytes.Buffer
	for _, st := range g.structs {
		if err := g.decoder(&body, st); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	out.WriteString("// Code generated by TestDecodeGenIsCurrent (go generate) from the struct tags of the wire types; DO NOT EDIT.\n\n")
	out.WriteString("//go:build !admin_nodecodegen\n\npackage admin\n\n")
	out.WriteString("import (\n")
	for _, imp := range slices.Sorted(func(yield func(string) bool) {
		for i := range g.imports {
			if !yield(i) {
				return
			}
		}
	}) {
		fmt.Fprintf(&out, "\t%q\n", imp)
	}
	out.WriteString(")\n\n")
	out.WriteString("// init makes each decoder below the fast path of its type, if the type's\n")
	out.WriteString("// table is still the one it was generated from.\n")
	out.WriteString("func init() {\n")
	for _, st := range tops {
		fmt.Fprintf(&out, "\tuseGenerated(%s, %s, (*scanner).%s)\n", tablesVar, strconv.Quote(st.tab.signature()), st.name)
	}
	out.WriteString("}\n\n")
	out.Write(body.Bytes())
	src, err := format.Source(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("generated code does not parse: %w\n%s", err, out.Bytes())
	}
	return src, nil
}

// add records struct type t with table tab, and the struct types of its
// fields, and returns it. where names an unnamed type after the field
// that holds it.
func (g *decoderGen) add(t reflect.Type, tab *wireTable, where string) *genStruct {
	if st, ok := g.byType[t]; ok {
		return st
	}
	base := where + "Struct"
	if t.Name() != "" {
		base = g.typeExpr(t)
	}
	var name []rune
	up := true
	for _, r := range base {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if up {
				r = unicode.ToUpper(r)
			}
			name, up = append(name, r), false
		default:
			up = true
		}
	}
	n := g.prefix + string(name)
	for i := 2; g.names[n]; i++ {
		n = fmt.Sprintf("%s%s%d", g.prefix, string(name), i)
	}
	g.names[n] = true
	st := &genStruct{typ: t, tab: tab, name: n}
	g.byType[t] = st
	g.structs = append(g.structs, st)
	for _, f := range tab.fields {
		switch f.kind {
		case kindObject:
			g.add(f.typ, f.sub, t.Field(f.index).Name)
		case kindObjects:
			g.add(f.typ.Elem(), f.sub, t.Field(f.index).Name)
		}
	}
	return st
}

// typeExpr returns the Go expression of t in the package's source.
func (g *decoderGen) typeExpr(t reflect.Type) string {
	if t.Name() != "" {
		switch t.PkgPath() {
		case "":
			return t.Name()
		case g.pkgPath:
			return strings.ReplaceAll(t.Name(), g.pkgPath+".", "")
		}
		g.imports[t.PkgPath()] = true
		return t.String()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + g.typeExpr(t.Elem())
	case reflect.Slice:
		return "[]" + g.typeExpr(t.Elem())
	case reflect.Map:
		return "map[" + g.typeExpr(t.Key()) + "]" + g.typeExpr(t.Elem())
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	case reflect.Struct:
		var b strings.Builder
		b.WriteString("struct {\n")
		for i := range t.NumField() {
			sf := t.Field(i)
			fmt.Fprintf(&b, "%s %s", sf.Name, g.typeExpr(sf.Type))
			if sf.Tag != "" {
				b.WriteString(" " + strconv.Quote(string(sf.Tag)))
			}
			b.WriteString("\n")
		}
		b.WriteString("}")
		return b.String()
	}
	panic("decodegen: no Go expression for " + t.String())
}

// decoder writes the decoder of st.
func (g *decoderGen) decoder(w *bytes.Buffer, st *genStruct) error {
	tab, typ := st.tab, g.typeExpr(st.typ)
	n := len(tab.fields)
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("// %s decodes the object that comes next into v, which is zero, as", st.name)
	p("// scanner.object does with the table of its type.")
	p("func (s *scanner) %s(v *%s) bool {", st.name, typ)
	p("if !s.eat('{') {\nreturn false\n}")
	p("mark, spans, slots := len(s.buf), len(s.spans), len(s.slots)")
	p("s.slots = slices.Grow(s.slots, %d)[:slots+%d]", n, n)
	g.imports["slices"] = true
	p("var seen uint64")
	p("if !s.eat('}') {\nfor {")
	p("key, ok := s.key()\nif !ok {\nreturn false\n}")
	p("switch string(key) {")
	var keys []string
	for i, f := range tab.fields {
		keys = append(keys, strconv.Quote(f.key))
		field := "v." + st.typ.Field(f.index).Name
		p("case %q:", f.key)
		p("if seen&(1<<%d) != 0 {\nreturn false\n}\nseen |= 1 << %d", i, i)
		switch f.kind {
		case kindString, kindStringPtr:
			p("if !s.text(slots + %d) {\nreturn false\n}", i)
		case kindStrings:
			p("if !s.texts(slots + %d) {\nreturn false\n}", i)
		case kindInt:
			p("if !s.null() {\nn, ok := s.integer()")
			if f.typ.Bits() == 64 {
				p("if !ok {\nreturn false\n}")
			} else {
				p("if !ok || int64(%s(n)) != n {\nreturn false\n}", g.typeExpr(f.typ))
			}
			p("%s = %s(n)\n}", field, g.typeExpr(f.typ))
		case kindBool:
			p("if !s.null() {\nswitch {\ncase s.literal(litTrue):\n%s = true\ncase s.literal(litFalse):\ndefault:\nreturn false\n}\n}", field)
		case kindTime:
			p("if !s.null() && !s.timestamp(&%s) {\nreturn false\n}", field)
		case kindTimePtr:
			g.imports["time"] = true
			p("if !s.null() {\nt := new(time.Time)\nif !s.timestamp(t) {\nreturn false\n}\n%s = t\n}", field)
		case kindJSON:
			p("if !s.null() && !s.freeForm(&%s) {\nreturn false\n}", field)
		case kindObject:
			p("if !s.null() && !s.%s(&%s) {\nreturn false\n}", g.byType[f.typ].name, field)
		case kindObjects:
			p("if !s.null() && !objectsOf(s, &%s, (*scanner).%s) {\nreturn false\n}", field, g.byType[f.typ.Elem()].name)
		default:
			return fmt.Errorf("%s.%s: no generated decoder for kind %d", st.typ, st.typ.Field(f.index).Name, f.kind)
		}
	}
	p("default:")
	p("if foldsKey(%sKeys[:], key) || !s.skip(0) {\nreturn false\n}", st.name)
	p("}")
	p("if s.eat(',') {\ncontinue\n}\nif !s.eat('}') {\nreturn false\n}\nbreak\n}\n}")
	if tab.textMask != 0 {
		p("if seen&%#x != 0 {", tab.textMask)
		p("text := string(s.buf[mark:])")
		for i, f := range tab.fields {
			field := "v." + st.typ.Field(f.index).Name
			part := "text[sl.start-mark : sl.end-mark]"
			if f.kind != kindString && f.kind != kindStringPtr && f.kind != kindStrings {
				continue
			}
			p("if sl := s.slots[slots+%d]; seen&(1<<%d) != 0 && sl.set {", i, i)
			switch f.kind {
			case kindString:
				if f.typ.Name() == "string" && f.typ.PkgPath() == "" {
					p("%s = %s", field, part)
				} else {
					p("%s = %s(%s)", field, g.typeExpr(f.typ), part)
				}
			case kindStringPtr:
				p("x := %s(%s)\n%s = &x", g.typeExpr(f.typ.Elem()), part, field)
			case kindStrings:
				p("%s = textsOf[%s](s, text, mark, sl)", field, g.typeExpr(f.typ.Elem()))
			}
			p("}")
		}
		p("}")
	}
	p("s.buf, s.spans, s.slots = s.buf[:mark], s.spans[:spans], s.slots[:slots]")
	p("return true\n}\n")
	p("// %sKeys are the keys %s knows, for foldsKey.", st.name, st.name)
	p("var %sKeys = [...]string{%s}\n", st.name, strings.Join(keys, ", "))
	return nil
}
