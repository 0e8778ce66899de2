package bench

import (
	"math"
	"testing"
	"time"
)

// calls returns n changes that end at first, first+step, ... and each took
// lat, lat+latStep, ...
func calls(n int, ok bool, first, step, lat, latStep time.Duration) []fleetCall {
	out := make([]fleetCall, n)
	for i := range out {
		out[i] = fleetCall{End: int64(first + time.Duration(i)*step), Latency: int64(lat + time.Duration(i)*latStep), OK: ok}
	}
	return out
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	s := time.Second
	ms := time.Millisecond
	tests := []struct {
		name      string
		reports   []fleetReport
		perMinute int
		down, up  time.Duration // 0, 0: no outage
		want      fleetSummary
	}{
		{
			name: "two processes",
			reports: []fleetReport{
				{Start: 0, End: int64(10 * s), Sent: 100, Rejected: 5, Calls: calls(50, true, s, 0, ms, ms)},
				{Start: int64(s), End: int64(12 * s), Sent: 100, Rejected: 15,
					Calls:  append(calls(50, true, s, 0, 51*ms, ms), calls(2, false, s, 0, 200*ms, 0)...),
					Errors: []string{"a", "b"}},
			},
			perMinute: 600, // 10 a second, a bucket of 10: 130 in 12 s
			// p99 of 102 calls is the 101st: one of the two failed ones.
			want: fleetSummary{changes: 100, failed: 2, goodput: 100 * 100.0 / 130, rejected: 10, p99: 200 * ms, errors: []string{"a", "b"}},
		},
		{
			name:      "outage",
			reports:   []fleetReport{{Start: 0, End: int64(20 * s), Sent: 20, Calls: calls(20, true, s, s, s, 0)}},
			perMinute: 60,                // 1 a second, a bucket of 1: 21 in 20 s, 11 in 10 s
			down:      5 * s, up: 15 * s, // the calls ending at 5 to 14 s
			want: fleetSummary{changes: 20, goodput: 100 * 20.0 / 21, p99: s, outageGoodput: 100 * 10.0 / 11},
		},
		{
			name:      "a bucket of one below a request a second",
			reports:   []fleetReport{{Start: 0, End: int64(10 * s), Sent: 7, Rejected: 1, Calls: calls(6, true, s, s, ms, 0)}},
			perMinute: 30, // 0.5 a second, a bucket of 1: 6 in 10 s
			want:      fleetSummary{changes: 6, goodput: 100, rejected: 100.0 / 7, p99: ms},
		},
		{
			name:      "the p99 of 100 calls is the 99th",
			reports:   []fleetReport{{Start: 0, End: int64(9 * s), Sent: 100, Calls: calls(100, true, s, 0, ms, ms)}},
			perMinute: 600, // 10 + 90 in 9 s
			want:      fleetSummary{changes: 100, goodput: 100, p99: 99 * ms},
		},
		{
			name:      "no calls",
			reports:   []fleetReport{{Start: 0, End: 0}},
			perMinute: 600,
			want:      fleetSummary{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var down, up time.Time
			if tt.up > 0 {
				down, up = time.Unix(0, int64(tt.down)), time.Unix(0, int64(tt.up))
			}
			got := summarize(tt.reports, tt.perMinute, down, up)
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
			if got.changes != tt.want.changes || got.failed != tt.want.failed || got.p99 != tt.want.p99 ||
				!near(got.goodput, tt.want.goodput) || !near(got.rejected, tt.want.rejected) ||
				!near(got.outageGoodput, tt.want.outageGoodput) || len(got.errors) != len(tt.want.errors) {
				t.Errorf("summarize = %+v, want %+v", got, tt.want)
			}
		})
	}
}
