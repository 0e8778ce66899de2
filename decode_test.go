package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastTarget is one wire type with a fast decoder, for the differential
// tests: fresh returns a new zero value, tab is the type's table.
type fastTarget struct {
	name  string
	fresh func() any
	tab   *wireTable
}

// registered is the target of a type in wireTables.
func registered[T any](name string) fastTarget {
	return fastTarget{name, func() any { return new(T) }, wireTables[reflect.TypeFor[*T]()]}
}

// fastTargets are the types of wireTables; TestFastTargetsAreTheWireTypes
// checks that none is missing.
var fastTargets = []fastTarget{
	registered[User]("user"),
	registered[cursorPageWire[User]]("user page"),
	registered[cursorPageWire[Group]]("group page"),
	registered[cursorPageWire[Project]]("project page"),
	registered[cursorPageWire[Cluster]]("cluster page"),
	registered[cursorPageWire[AuditEvent]]("audit page"),
}

// checkAgainstEncodingJSON fails t when the fast decoder accepts data
// into tg and encoding/json (decodeJSON, the SDK's reference) decodes it
// differently or not at all, or when decodeWire, fast path and fallback
// together, disagrees with encoding/json, or when tg's generated decoder,
// if it has one, does not do exactly what its table does. It reports
// whether the fast path accepted data.
func checkAgainstEncodingJSON(t *testing.T, tg fastTarget, data []byte) bool {
	t.Helper()
	ref := tg.fresh()
	refErr := decodeJSON(bytes.NewReader(data), ref)

	fast := tg.fresh()
	ok := tg.tab.decode(data, reflect.ValueOf(fast))
	if ok {
		if refErr != nil {
			t.Fatalf("%s: fast path accepted %q, encoding/json says %v", tg.name, data, refErr)
		}
		if !reflect.DeepEqual(fast, ref) {
			t.Fatalf("%s: %q\nfast:          %#v\nencoding/json: %#v", tg.name, data, fast, ref)
		}
	} else if !reflect.DeepEqual(fast, tg.fresh()) {
		t.Fatalf("%s: fast path gave up on %q but changed its target: %#v", tg.name, data, fast)
	}

	if tg.tab.gen != nil {
		// The generated decoder must do exactly what the table does.
		gen := tg.fresh()
		if genOK := tg.tab.gen(data, gen); genOK != ok {
			t.Fatalf("%s: on %q the generated decoder says %v, the table %v", tg.name, data, genOK, ok)
		}
		if !reflect.DeepEqual(gen, fast) {
			t.Fatalf("%s: %q\ngenerated: %#v\ntable:     %#v", tg.name, data, gen, fast)
		}
	}

	wire := tg.fresh()
	wireErr := decodeWire(data, wire)
	if (wireErr == nil) != (refErr == nil) {
		t.Fatalf("%s: %q: decodeWire says %v, encoding/json %v", tg.name, data, wireErr, refErr)
	}
	if wireErr == nil && !reflect.DeepEqual(wire, ref) {
		t.Fatalf("%s: %q\ndecodeWire:    %#v\nencoding/json: %#v", tg.name, data, wire, ref)
	}
	return ok
}

// serverUser is a user as a server writes it.
func serverUser(i int) map[string]any {
	u := map[string]any{
		"id": fmt.Sprintf("usr_%010x", i), "name": fmt.Sprintf("User %d", i),
		"email": fmt.Sprintf("user-%d@example.com", i), "role": []string{"admin", "viewer", "ml_engineer"}[i%3],
		"status": "active", "groups": []string{}, "created_at": "2024-01-02T03:04:05.123456789Z",
		"updated_at": "2024-06-07T08:09:10Z", "last_login_at": nil,
	}
	if i%2 == 1 {
		u["groups"] = []string{"group-1", "group-2"}
		u["last_login_at"] = "2025-03-04T05:06:07+02:00"
	}
	return u
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// typicalBodies are bodies as the server sends them, one per target: the
// fast path must take every one.
func typicalBodies(t testing.TB) map[string][]byte {
	users := make([]any, 100)
	for i := range users {
		users[i] = serverUser(i)
	}
	now := "2024-01-02T03:04:05Z"
	return map[string][]byte{
		"user": mustJSON(t, serverUser(7)),
		"user page": mustJSON(t, map[string]any{"data": users,
			"meta": map[string]any{"next_cursor": "Y3Vyc29y", "has_more": true}}),
		"group page": mustJSON(t, map[string]any{"data": []any{
			map[string]any{"name": "group-1", "roles": []string{"viewer", "editor"}, "members": []string{"usr_1", "usr_2"},
				"created_by": "usr_0", "created_at": now, "updated_at": now},
			map[string]any{"name": "group-2", "roles": []string{}, "members": []string{},
				"created_by": "usr_0", "created_at": now, "updated_at": now}},
			"meta": map[string]any{"next_cursor": nil, "has_more": false}}),
		"project page": mustJSON(t, map[string]any{"data": []any{
			map[string]any{"id": "prj_1", "name": "project-1", "description": "Seeded project 1", "cluster_id": "cls_1",
				"deserved_gpus": 4, "members": []string{"usr_1"}, "created_at": now, "updated_at": now}},
			"meta": map[string]any{"next_cursor": nil, "has_more": false}}),
		"cluster page": mustJSON(t, map[string]any{"data": []any{
			map[string]any{"id": "cls_1", "name": "cluster-a", "description": "Seeded cluster 1", "created_at": now}},
			"meta": map[string]any{"next_cursor": nil, "has_more": false}}),
		"audit page": mustJSON(t, map[string]any{"data": []any{
			map[string]any{"id": "evt_1", "action": "user.create", "user_id": "usr_0", "target_type": "user",
				"target_id": "usr_1", "ip": "127.0.0.1", "created_at": now,
				"metadata": map[string]any{"email": "a@example.com", "role": "viewer", "n": 1.5}},
			map[string]any{"id": "evt_2", "action": "user.delete", "user_id": "usr_0", "target_type": "user",
				"target_id": "usr_1", "ip": "::1", "created_at": now, "metadata": nil}},
			"meta": map[string]any{"next_cursor": "abc", "has_more": true}}),
	}
}

func TestDecodeFastTakesTypicalBodies(t *testing.T) {
	t.Parallel()
	bodies := typicalBodies(t)
	for _, tg := range fastTargets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			body, ok := bodies[tg.name]
			require.True(t, ok)
			assert.True(t, checkAgainstEncodingJSON(t, tg, body), "the fast path gave up on a typical body")
			// With white space everywhere JSON allows it.
			var indented bytes.Buffer
			require.NoError(t, json.Indent(&indented, body, " \r", "\t "))
			assert.True(t, checkAgainstEncodingJSON(t, tg, indented.Bytes()), "the fast path gave up on an indented body")
		})
	}
}

func TestDecodeFastEdgeCases(t *testing.T) {
	t.Parallel()
	user := func(fields string) string { return `{"id":"usr_1",` + fields + `}` }
	page := func(items ...string) string {
		return `{"data":[` + strings.Join(items, ",") + `],"meta":{"next_cursor":null,"has_more":false}}`
	}
	tests := []struct {
		name, body string
		fast       bool // whether the fast path must take it
	}{
		{"escapes", user(`"name":"A \"quoted\" \\ \/ \b\f\n\r\t name \u00e9\u4e2d\u0000"`), true},
		{"utf-8", user(`"name":"Zoë 山田 😀"`), true},
		{"null strings", user(`"name":null,"email":null,"role":null,"status":null`), true},
		{"null groups", user(`"groups":null`), true},
		{"empty groups", user(`"groups":[]`), true},
		{"null times", user(`"created_at":null,"updated_at":null,"last_login_at":null`), true},
		{"unknown fields", user(`"extra":{"a":[1,-2.5e+3,true,false,null,"x\u0041"],"b":{}},"more":[]`), true},
		{"unknown role", user(`"role":"astronaut","status":"on_leave"`), true},
		{"empty object", `{}`, true},
		{"empty page", `{"data":[],"meta":{}}`, true},
		{"null data", `{"data":null,"meta":null}`, true},
		{"no meta", `{"data":[{"id":"a"}]}`, true},
		{"page of users", page(user(`"name":"a"`), user(`"name":"b","groups":["g"]`)), true},
		{"time with offset", user(`"created_at":"2024-01-02T03:04:05.5-07:00"`), true},

		{"key in another case", user(`"Name":"a"`), false},
		{"key with an escape", user(`"n\u0061me":"a"`), false},
		{"non-ASCII key", user(`"ſtatus":"active"`), false},
		{"duplicate key", user(`"name":"a","name":"b"`), false},
		{"duplicate id", `{"id":"a","id":"b"}`, false},
		{"surrogate pair", user(`"name":"\ud83d\ude00"`), false},
		{"lone surrogate", user(`"name":"\ud83d"`), false},
		{"invalid utf-8", user("\"name\":\"a\xffb\""), false},
		{"control character", user("\"name\":\"a\tb\""), false},
		{"number for a string", user(`"name":5`), false},
		{"string for groups", user(`"groups":"g"`), false},
		{"null in groups", user(`"groups":["a",null]`), false},
		{"number time", user(`"created_at":1700000000`), false},
		{"bad time", user(`"created_at":"yesterday"`), false},
		{"escaped time", user(`"created_at":"2024-01-02T03:04:05\u005a"`), false},
		{"null element", page("null"), false},
		{"trailing data", user(`"name":"a"`) + ` {}`, false},
		{"trailing comma", `{"id":"a",}`, false},
		{"missing colon", `{"id" "a"}`, false},
		{"unclosed", `{"id":"a"`, false},
		{"bad number", user(`"x":01`), false},
		{"bad number 2", user(`"x":1.`), false},
		{"bad number 3", user(`"x":-`), false},
		{"bad literal", user(`"x":tru`), false},
		{"bad escape", user(`"x":"\x"`), false},
		{"deep nesting", user(`"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100)), false},
		{"top-level null", `null`, false},
		{"top-level array", `[]`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, tg := range fastTargets {
				took := checkAgainstEncodingJSON(t, tg, []byte(tt.body))
				isPage := strings.HasPrefix(tt.body, `{"data"`)
				if (tg.name == "user" && !isPage) || (tg.name == "user page" && isPage) {
					assert.Equal(t, tt.fast, took, "%s: fast path took the body", tg.name)
				}
			}
		})
	}
}

// TestDecodeFastStringsStandAlone checks that decoded strings do not share
// memory with the body, which goes back to a pool.
func TestDecodeFastStringsStandAlone(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"usr_1","name":"Ann","groups":["g1"]}`)
	var u User
	require.NoError(t, decodeWire(body, &u))
	copy(body, bytes.Repeat([]byte("x"), len(body)))
	assert.Equal(t, User{ID: "usr_1", Name: "Ann", Groups: []string{"g1"}}, u)
}

// TestDecodeFastTimes checks timestamps against encoding/json, which
// calls time.Time's UnmarshalJSON as the fast path does.
func TestDecodeFastTimes(t *testing.T) {
	t.Parallel()
	for _, ts := range []string{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.999999999+14:00", "0001-01-01T00:00:00Z",
		"2024-02-30T00:00:00Z", "2024-01-02 03:04:05Z", "2024-01-02T03:04:05+2400"} {
		tg := fastTargets[0]
		checkAgainstEncodingJSON(t, tg, []byte(`{"created_at":"`+ts+`"}`))
	}
	var u User
	require.True(t, decodeFast([]byte(`{"created_at":"2024-01-02T03:04:05Z"}`), &u))
	assert.True(t, u.CreatedAt.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)))
}

// TestDecodeFastAllocations pins the point of the fast path: a page of 100
// users costs about one allocation per user.
func TestDecodeFastAllocations(t *testing.T) {
	body := typicalBodies(t)["user page"]
	allocs := testing.AllocsPerRun(20, func() {
		var w cursorPageWire[User]
		if err := decodeWire(body, &w); err != nil {
			t.Fatal(err)
		}
	})
	// One string per user, a groups slice per user in groups and a time
	// per last login (50 each), and a few for the page: about 206.
	// encoding/json needs about 830.
	assert.LessOrEqual(t, allocs, 210.0)
}

func BenchmarkDecodeUserPage(b *testing.B) {
	body := typicalBodies(b)["user page"]
	b.Run("decoder=encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var w cursorPageWire[User]
			if err := decodeJSON(bytes.NewReader(body), &w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder=fast", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var w cursorPageWire[User]
			if err := decodeWire(body, &w); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fill sets every field v holds, at any depth, to a value that is not
// zero and that JSON carries; n makes each value different. It fails t on
// a kind it does not know, so that a new kind of field cannot go untested.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d \"é\" \\ 山 <&>", *n))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(-*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range v.Len() {
			fill(t, v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(t, k, n)
			fill(t, e, n)
			v.SetMapIndex(k, e)
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf(map[string]any{"s": fmt.Sprint(*n), "f": float64(*n) + 0.25, "a": []any{true, nil, "x"}}))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2024, 1, 2, 3, 4, 5, *n, time.FixedZone("", 3600*(*n%5)))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fill: no value for a %s", v.Type())
	}
}

// TestDecodeFastEveryField fills every field of every type in wireTables,
// encodes it, and checks that the fast path takes the body and decodes
// what encoding/json decodes: a field the fast path does not know fails it.
func TestDecodeFastEveryField(t *testing.T) {
	t.Parallel()
	for ptr, tab := range wireTables {
		typ := ptr.Elem()
		tg := fastTarget{typ.String(), func() any { return reflect.New(typ).Interface() }, tab}
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			require.Empty(t, tab.declined, "the fast path declines a wire type")
			in := tg.fresh()
			n := 0
			fill(t, reflect.ValueOf(in).Elem(), &n)
			body := mustJSON(t, in)
			assert.True(t, checkAgainstEncodingJSON(t, tg, body), "the fast path gave up on %s", body)
		})
	}
}

// TestFastTargetsAreTheWireTypes checks that the targets of the
// differential tests and of FuzzDecodeFast are every type in wireTables.
func TestFastTargetsAreTheWireTypes(t *testing.T) {
	t.Parallel()
	var targets, tables []*wireTable
	for _, tg := range fastTargets {
		require.NotNil(t, tg.tab, "%s is not in wireTables", tg.name)
		targets = append(targets, tg.tab)
	}
	for _, tab := range wireTables {
		tables = append(tables, tab)
	}
	assert.ElementsMatch(t, tables, targets)
}

// Types for TestWireTableRules.
type (
	wireKinds struct {
		S          string            `json:"s"`
		R          Role              `json:"r,omitempty"`
		P          *string           `json:"p"`
		PR         *UserStatus       `json:"pr"`
		SS         []string          `json:"ss"`
		RS         []Role            `json:"rs"`
		I          int               `json:"i"`
		I8         int8              `json:"i8"`
		I64        int64             `json:"i64"`
		B          bool              `json:"b"`
		T          time.Time         `json:"t"`
		TP         *time.Time        `json:"tp"`
		M          map[string]any    `json:"m"`
		MI         map[string]int    `json:"mi"`
		A          any               `json:"a"`
		N          wireNested        `json:"n"`
		NS         []wireNested      `json:"ns"`
		Untagged   string            // decoded from "Untagged"
		Skipped    string            `json:"-"`
		unexported string            // encoding/json skips it, and so must the fast path
		Raw        map[Role][]string `json:"raw"`
	}
	wireNested struct {
		ID    string   `json:"id"`
		Tags  []string `json:"tags"`
		Inner struct {
			X int `json:"x"`
		} `json:"inner"`
	}
	wireTree struct {
		Kids []wireTree `json:"kids"`
	}
)

// TestWireTableRules checks the tables built from struct tags: the kinds
// of field the fast path decodes, against encoding/json, and the types it
// declines, with the reason.
func TestWireTableRules(t *testing.T) {
	t.Parallel()
	t.Run("every kind", func(t *testing.T) {
		t.Parallel()
		tab := kindTables[reflect.TypeFor[*wireKinds]()]
		require.Empty(t, tab.declined)
		require.NotNil(t, tab.gen, "wireKinds has no generated decoder: run go generate")
		tg := fastTarget{"kinds", func() any { return new(wireKinds) }, tab}
		in := new(wireKinds)
		n := 0
		fill(t, reflect.ValueOf(in).Elem(), &n)
		in.unexported = "x"
		assert.True(t, checkAgainstEncodingJSON(t, tg, mustJSON(t, in)))
		for _, tt := range []struct {
			body string
			fast bool
		}{
			{`{"i8":-128,"i":-9223372036854,"i64":0}`, true},
			{`{"i8":128}`, false},
			{`{"i":1e3}`, false},
			{`{"b":true,"s":null,"p":null,"ss":null,"t":null,"tp":null,"m":null,"a":null,"n":null,"ns":null}`, true},
			{`{"b":false,"ss":[],"rs":[],"ns":[],"n":{}}`, true},
			{`{"Untagged":"u","-":"d","Skipped":"x","unexported":"x"}`, true},
			{`{"untagged":"u"}`, false},
			{`{"m":{"k":[1,"x",{"y":null}]},"mi":{"a":1},"a":[true],"raw":{"viewer":["a"]}}`, true},
			{`{"mi":{"a":"b"}}`, false},
			{`{"n":{"id":"a","inner":{"x":1},"tags":["t"]},"ns":[{"id":"b"},{"inner":{}}]}`, true},
			{`{"n":{"id":"a","ID":"b"}}`, false},
			{`{"ns":[{"id":"a"},null]}`, false},
			{`{"n":[]}`, false},
			{`{"b":"true"}`, false},
		} {
			took := checkAgainstEncodingJSON(t, tg, []byte(tt.body))
			assert.Equal(t, tt.fast, took, "%s: fast path took it", tt.body)
		}
	})
	many := make([]reflect.StructField, maxWireFields+1)
	for i := range many {
		many[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[string]()}
	}
	for _, tt := range []struct {
		name string
		typ  reflect.Type
		why  string
	}{
		{"float", reflect.TypeFor[struct{ F float64 }](), "no fast decoder for float64"},
		{"unsigned", reflect.TypeFor[struct{ U uint }](), "no fast decoder for uint"},
		{"array", reflect.TypeFor[struct{ A [2]string }](), "no fast decoder for [2]string"},
		{"slice of times", reflect.TypeFor[struct{ T []time.Time }](), "no fast decoder for []time.Time"},
		{"pointer to a struct", reflect.TypeFor[struct{ N *wireNested }](), "no fast decoder for *admin.wireNested"},
		{"declined inside", reflect.TypeFor[struct{ N []struct{ F float32 } }](), "no fast decoder for float32"},
		{"string option", reflect.TypeFor[struct {
			N int `json:"n,omitempty,string"`
		}](), "the string option"},
		{"embedded", reflect.TypeFor[struct{ wireNested }](), "embeds admin.wireNested"},
		{"field decodes itself", reflect.TypeFor[struct{ T unixTime }](), "admin.unixTime decodes itself"},
		{"field decodes its text", reflect.TypeFor[struct{ L *time.Location }](), "no fast decoder for *time.Location"},
		{"type decodes itself", reflect.TypeFor[unixTime](), "admin.unixTime decodes itself"},
		{"contains itself", reflect.TypeFor[wireTree](), "admin.wireTree contains itself"},
		{"one key twice", reflect.StructOf([]reflect.StructField{ // a type go vet would refuse to see written
			{Name: "A", Type: reflect.TypeFor[string](), Tag: `json:"a"`},
			{Name: "B", Type: reflect.TypeFor[string](), Tag: `json:"a"`},
		}), `two fields with key "a"`},
		{"key not plain", reflect.TypeFor[struct {
			A string `json:"é"`
		}](), `key "é" is not plain ASCII`},
		{"too many fields", reflect.StructOf(many), "more than 64 fields"},
		{"not a struct", reflect.TypeFor[[]User](), "is not a struct"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab := tableBuilder{}.table(tt.typ)
			assert.Contains(t, tab.declined, tt.why)
			assert.False(t, tab.decode([]byte(`{}`), reflect.New(tt.typ)))
		})
	}
}

// TestDecodeFastKeepsATargetThatIsNotZero checks that the fast path leaves
// a target that already holds values to encoding/json, which keeps the
// fields the body does not have.
func TestDecodeFastKeepsATargetThatIsNotZero(t *testing.T) {
	t.Parallel()
	u := User{Name: "kept", Groups: []string{"g"}}
	body := []byte(`{"id":"usr_1","groups":["h"]}`)
	assert.False(t, decodeFast(body, &u))
	assert.Equal(t, User{Name: "kept", Groups: []string{"g"}}, u)
	require.NoError(t, decodeWire(body, &u))
	assert.Equal(t, User{ID: "usr_1", Name: "kept", Groups: []string{"h"}}, u)
}

// TestPooledBuffersStaySmall decodes bodies that grow the scanner's
// buffers beyond maxPooledBuffer and checks that none of them is pooled
// afterwards. It does not run in parallel: it empties the pool to look at
// every scanner in it, which no other test may be using meanwhile.
func TestPooledBuffersStaySmall(t *testing.T) {
	groups := make([]string, 2*maxPooledBuffer/spanSize)
	for i := range groups {
		groups[i] = "g"
	}
	for _, tt := range []struct {
		name string
		user map[string]any
	}{
		{"4 MiB name", map[string]any{"id": "usr_1", "name": strings.Repeat("n", 4<<20)}},
		{"many groups", map[string]any{"id": "usr_1", "groups": groups}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := mustJSON(t, tt.user)
			var u User
			require.True(t, decodeFast(body, &u))
			require.Equal(t, tt.user["id"], u.ID)
			var taken []*scanner
			for range 64 {
				s := scanners.Get().(*scanner)
				taken = append(taken, s)
				assert.LessOrEqual(t, cap(s.buf), maxPooledBuffer)
				assert.LessOrEqual(t, cap(s.spans)*spanSize, maxPooledBuffer)
				assert.LessOrEqual(t, cap(s.slots)*slotSize, maxPooledBuffer)
			}
			for _, s := range taken {
				scanners.Put(s)
			}
		})
	}
}
