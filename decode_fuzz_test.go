package admin

import (
	"strings"
	"testing"
)

// FuzzDecodeFast is the differential test of the fast decoders: for every
// wire type that has one, whatever the body, the fast path either gives up
// or decodes exactly what encoding/json decodes, and decodeWire (the fast
// path with its fallback) agrees with encoding/json on both the value and
// whether there is an error.
func FuzzDecodeFast(f *testing.F) {
	for _, body := range typicalBodies(f) {
		f.Add(body)
	}
	for _, s := range []string{
		`{"id":"usr_1","name":"A \"q\" \\ \/ \b\f\n\r\t \u00e9\u0000","groups":["a","b"],"last_login_at":null}`,
		`{"data":[{"id":"a","Name":"x"}],"meta":{"next_cursor":"c","has_more":true}}`,
		`{"data":[{"id":"a","id":"b"}],"meta":{"has_more":false}}`,
		`{"data":[{"name":"g","roles":["viewer"],"members":[],"created_by":"u"}],"meta":null}`,
		`{"data":[{"id":"p","deserved_gpus":-0,"members":null}],"meta":{}}`,
		`{"data":[{"id":"p","deserved_gpus":1.5}]}`,
		`{"data":[{"id":"e","metadata":{"a":[1,{"b":null}],"c":"\ud83d\ude00"}}]}`,
		`{"data":[],"next":"/v1/admins?offset=x","offset":"x"}`,
		`{"x":[[[[{"y":-1.25E+10}]]]],"created_at":"2024-01-02T03:04:05+01:00"}`,
		"{\"name\":\"\xff\"}", `{"name":"\ud800"}`, `nul`, `{"id":"a"} x`, ` {} `, `{"data":[null]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<16 || strings.Count(string(body), "[")+strings.Count(string(body), "{") > 5000 {
			t.Skip("too big to be interesting")
		}
		for _, tg := range fastTargets {
			checkAgainstEncodingJSON(t, tg, body)
		}
	})
}
