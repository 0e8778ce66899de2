package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/redislimit"
	"github.com/redis/go-redis/v9"
)

var (
	flagFleetModes    = flag.String("fleet-modes", "default,redis,retryablehttp,redis-stop,redis-kill", "comma-separated modes of BenchmarkFleet")
	flagFleetProcs    = flag.Int("fleet-procs", 4, "worker processes in BenchmarkFleet")
	flagFleetWorkers  = flag.Int("fleet-workers", 8, "goroutines in each worker process of BenchmarkFleet")
	flagFleetLimit    = flag.Int("fleet-limit", 600, "the server's limit in BenchmarkFleet, requests a minute")
	flagFleetDuration = flag.Duration("fleet-duration", 15*time.Second, "how long each mode of BenchmarkFleet starts new changes (the documented run, fleet.sh, uses 2m)")
	flagFleetOutage   = flag.Duration("fleet-outage", 5*time.Second, "how long redis-server is down, mid-run, in the outage modes of BenchmarkFleet (fleet.sh: 20s)")
)

// fleetEnv, when set in the environment, turns the test binary into a
// worker process of BenchmarkFleet (see fleetWorker).
const fleetEnv = "BENCH_FLEET_WORKER"

// fleetGrace is how long a worker lets its calls in flight finish after
// its run; a call still unfinished then fails, and counts as surfaced.
const fleetGrace = time.Minute

// fleetMode is one way the fleet's processes share the server's limit.
type fleetMode struct {
	name   string
	redis  bool   // a redis-server runs for the shared limiter
	outage string // "stop" or "kill": what happens to redis-server mid-run
}

var fleetModes = []fleetMode{
	{name: "default"},            // the SDK, each process with its own adaptive limiter
	{name: "redis", redis: true}, // the SDK, one limiter shared in Redis (redislimit)
	{name: "retryablehttp"},      // the peer: go-retryablehttp's defaults
	{name: "redis-stop", redis: true, outage: "stop"},
	{name: "redis-kill", redis: true, outage: "kill"},
}

// fleetSpec is what the benchmark tells a worker process, on the first line
// of its standard input: the key does not go through the environment.
type fleetSpec struct {
	Mode     string        `json:"mode"`
	URL      string        `json:"url"`
	Key      string        `json:"key"`
	Redis    string        `json:"redis,omitempty"` // host:port
	Workers  int           `json:"workers"`
	Duration time.Duration `json:"duration"`
	Proc     int           `json:"proc"` // 0 to procs-1: keeps the emails of its users apart
}

// fleetReport is what a worker process writes to its standard output when
// its run is over.
type fleetReport struct {
	Start    int64       `json:"start"`    // Unix ns: when the worker was told to go
	End      int64       `json:"end"`      // Unix ns: when its last call returned
	Sent     int64       `json:"sent"`     // requests sent, retries included
	Rejected int64       `json:"rejected"` // of those, answered 429
	Calls    []fleetCall `json:"calls"`
	Errors   []string    `json:"errors"` // the first few errors surfaced
}

// fleetCall is one change, as the caller saw it.
type fleetCall struct {
	End     int64 `json:"end"` // Unix ns
	Latency int64 `json:"lat"` // ns, limiter waits and retries included
	OK      bool  `json:"ok"`
}

// fleetErrorsKept is how many error messages a worker reports.
const fleetErrorsKept = 5

// fleetWorker is the main of a worker process: it reads its spec, builds
// its client, says "ready", waits for "go", runs, and writes its report.
// It stops early if its standard input closes.
func fleetWorker() int {
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadBytes('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: fleet worker: no spec:", err)
		return 2
	}
	var s fleetSpec
	if err := json.Unmarshal(line, &s); err != nil {
		fmt.Fprintln(os.Stderr, "bench: fleet worker: bad spec:", err)
		return 2
	}
	emailSeq.Store(int64(s.Proc) << 40)
	var n attempts
	p, err := fleetPeer(s, target{url: s.URL, key: s.Key, wrap: n.wrap})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: fleet worker:", err)
		return 2
	}
	fmt.Println("ready")
	if word, err := in.ReadString('\n'); err != nil || word != "go\n" {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.Duration+fleetGrace)
	defer cancel()
	go func() {
		_, _ = io.Copy(io.Discard, in) // the benchmark is gone
		cancel()
	}()
	rep := runFleetWorker(ctx, p, s.Workers, s.Duration)
	rep.Sent, rep.Rejected = n.sent.Load(), n.rejected.Load()
	if err := json.NewEncoder(os.Stdout).Encode(&rep); err != nil {
		fmt.Fprintln(os.Stderr, "bench: fleet worker:", err)
		return 1
	}
	return 0
}

// fleetPeer is the client of mode s.Mode.
func fleetPeer(s fleetSpec, t target) (*peer, error) {
	switch s.Mode {
	case "default":
		return sdkPeer(t)
	case "retryablehttp":
		return retryablePeer(t), nil
	case "redis", "redis-stop", "redis-kill":
		rdb := redis.NewClient(&redis.Options{Addr: s.Redis})
		return sdkPeer(t, admin.WithLimiter(redislimit.New(rdb)))
	}
	return nil, fmt.Errorf("no mode %q", s.Mode)
}

// fleetLifecycles bounds the lifecycles one goroutine of a worker runs.
const fleetLifecycles = 1 << 20

// runFleetWorker runs workers goroutines that create, rename and delete
// users, starting changes for d, and reports every change.
func runFleetWorker(ctx context.Context, p *peer, workers int, d time.Duration) fleetReport {
	start := time.Now()
	deadline := start.Add(d)
	more := func() bool { return time.Now().Before(deadline) && ctx.Err() == nil }
	var mu sync.Mutex
	rep := fleetReport{Start: start.UnixNano()}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var calls []fleetCall
			var errs []string
			tp := timedPeer(p, func(began time.Time, err error) {
				end := time.Now()
				calls = append(calls, fleetCall{End: end.UnixNano(), Latency: int64(end.Sub(began)), OK: err == nil})
				if err != nil && len(errs) < fleetErrorsKept {
					errs = append(errs, err.Error())
				}
			})
			for i := 0; i < fleetLifecycles && more(); i++ {
				lifecycle(ctx, tp, 3, more)
			}
			mu.Lock()
			defer mu.Unlock()
			rep.Calls = append(rep.Calls, calls...)
			rep.Errors = append(rep.Errors, errs[:min(len(errs), fleetErrorsKept-len(rep.Errors))]...)
		})
	}
	wg.Wait()
	rep.End = time.Now().UnixNano()
	return rep
}

// timedPeer is p with each change reported to done when it returns.
func timedPeer(p *peer, done func(began time.Time, err error)) *peer {
	q := *p
	q.create = func(ctx context.Context, u *newUser) (string, error) {
		began := time.Now()
		id, err := p.create(ctx, u)
		done(began, err)
		return id, err
	}
	q.rename = func(ctx context.Context, id, name string) error {
		began := time.Now()
		err := p.rename(ctx, id, name)
		done(began, err)
		return err
	}
	q.remove = func(ctx context.Context, id string) error {
		began := time.Now()
		err := p.remove(ctx, id)
		done(began, err)
		return err
	}
	return &q
}

// fleetConfig is the size of a fleet run.
type fleetConfig struct {
	procs, workers int
	perMinute      int // the server's limit
	duration       time.Duration
	outage         time.Duration
}

// BenchmarkFleet is workload (f): -fleet-procs worker processes, each with
// -fleet-workers goroutines making changes (create, rename and delete
// users) for -fleet-duration, against one server that limits their one API
// key to -fleet-limit requests a minute. Each mode is one way of sharing
// that limit (see fleetModes). goodput-% is the changes applied as a share
// of what the server would have accepted in the time taken: its bucket of
// a second's worth plus the limit's rate.
func BenchmarkFleet(b *testing.B) {
	cfg := fleetConfig{procs: *flagFleetProcs, workers: *flagFleetWorkers, perMinute: *flagFleetLimit,
		duration: *flagFleetDuration, outage: *flagFleetOutage}
	if cfg.procs < 1 || cfg.workers < 1 || cfg.perMinute < 1 || cfg.duration <= 0 {
		b.Fatalf("bad fleet: %+v", cfg)
	}
	for _, name := range strings.Split(*flagFleetModes, ",") {
		i := slices.IndexFunc(fleetModes, func(m fleetMode) bool { return m.name == name })
		if i < 0 {
			b.Fatalf("no fleet mode %q", name)
		}
		m := fleetModes[i]
		if m.outage != "" && (cfg.outage <= 0 || cfg.outage >= cfg.duration) {
			b.Fatalf("mode %s: the outage (%v) must be positive and shorter than the run (%v)", m.name, cfg.outage, cfg.duration)
		}
		b.Run("mode="+m.name, func(b *testing.B) {
			var sum fleetSummary
			for range b.N {
				s, err := runFleet(m, cfg)
				if err != nil {
					b.Fatal(err)
				}
				sum.add(s)
				for _, e := range s.errors {
					b.Logf("surfaced: %s", e)
				}
			}
			sum.report(b, float64(b.N), m.outage != "")
		})
	}
}

// fleetProc is a worker process.
type fleetProc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startFleetProc(ctx context.Context, s fleetSpec) (*fleetProc, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), fleetEnv+"=1")
	in, out, err := startPiped(cmd)
	if err != nil {
		return nil, err
	}
	p := &fleetProc{cmd: cmd, in: in, out: out}
	if err := json.NewEncoder(in).Encode(&s); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// expect reads the line the worker says next and checks it is word.
func (p *fleetProc) expect(word string) error {
	line, err := p.out.ReadString('\n')
	if err != nil || line != word+"\n" {
		return fmt.Errorf("bench: fleet worker said %q (%v), want %q", line, err, word)
	}
	return nil
}

func (p *fleetProc) report() (fleetReport, error) {
	var rep fleetReport
	err := json.NewDecoder(p.out).Decode(&rep)
	return rep, err
}

// close ends the worker: it exits when its input closes, or when the
// context of its command ends.
func (p *fleetProc) close() {
	_ = p.in.Close()
	_ = p.cmd.Wait()
}

// runFleet runs mode m once: a fresh server, a fresh redis-server if m
// needs one, cfg.procs workers, and Redis's outage if m has one.
func runFleet(m fleetMode, cfg fleetConfig) (fleetSummary, error) {
	// Every process and wait of the run ends with this context.
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration+fleetGrace+time.Minute)
	defer cancel()
	srv, err := launch(serverSpec{perMinute: cfg.perMinute})
	if err != nil {
		return fleetSummary{}, err
	}
	defer srv.close()
	spec := fleetSpec{Mode: m.name, URL: srv.URL, Key: srv.Key, Workers: cfg.workers, Duration: cfg.duration}
	var rs *redisServer
	if m.redis {
		if rs, err = startRedis(); err != nil {
			return fleetSummary{}, err
		}
		defer rs.close()
		spec.Redis = rs.Addr
	}
	procs := make([]*fleetProc, 0, cfg.procs)
	defer func() {
		cancel() // first, so that a worker still running is killed
		for _, p := range procs {
			p.close()
		}
	}()
	for i := range cfg.procs {
		spec.Proc = i
		p, err := startFleetProc(ctx, spec)
		if err != nil {
			return fleetSummary{}, err
		}
		procs = append(procs, p)
	}
	for _, p := range procs {
		if err := p.expect("ready"); err != nil {
			return fleetSummary{}, err
		}
	}
	start := time.Now()
	for _, p := range procs {
		if _, err := io.WriteString(p.in, "go\n"); err != nil {
			return fleetSummary{}, err
		}
	}
	var down, up time.Time
	outage := make(chan error, 1)
	if m.outage != "" {
		go func() {
			var err error
			down, up, err = rs.outage(ctx, m.outage, start.Add((cfg.duration-cfg.outage)/2), cfg.outage)
			outage <- err
		}()
	} else {
		outage <- nil
	}
	reports := make([]fleetReport, 0, len(procs))
	var errs []error
	for _, p := range procs {
		rep, err := p.report()
		errs = append(errs, err)
		reports = append(reports, rep)
	}
	errs = append(errs, <-outage)
	if err := errors.Join(errs...); err != nil {
		return fleetSummary{}, err
	}
	return summarize(reports, cfg.perMinute, down, up), nil
}

// fleetSummary is one run of a mode, or the sum of several.
type fleetSummary struct {
	changes, failed int
	goodput         float64 // % of what the server would have accepted
	rejected        float64 // % of requests answered 429
	p99             time.Duration
	outageGoodput   float64 // goodput while Redis was down, % (changes that ended then)
	errors          []string
}

// summarize adds up the reports of one run against a server limited to
// perMinute; down and up, when not zero, are when Redis went down and came
// back.
func summarize(reports []fleetReport, perMinute int, down, up time.Time) fleetSummary {
	var s fleetSummary
	var start, end int64 = math.MaxInt64, 0
	var sent, rejected int64
	var lat []int64
	rate := float64(perMinute) / 60
	for _, r := range reports {
		start, end = min(start, r.Start), max(end, r.End)
		sent, rejected = sent+r.Sent, rejected+r.Rejected
		s.errors = append(s.errors, r.Errors[:min(len(r.Errors), fleetErrorsKept-len(s.errors))]...)
		for _, c := range r.Calls {
			lat = append(lat, c.Latency)
			if !c.OK {
				s.failed++
				continue
			}
			s.changes++
			if !down.IsZero() && c.End >= down.UnixNano() && c.End < up.UnixNano() {
				s.outageGoodput++
			}
		}
	}
	// What the server accepts at most in d: admintest's bucket holds a
	// second's worth, at least one, and is full when the first request
	// arrives.
	accepts := func(d time.Duration) float64 { return max(1, rate) + rate*d.Seconds() }
	if end > start {
		s.goodput = 100 * float64(s.changes) / accepts(time.Duration(end-start))
	}
	if sent > 0 {
		s.rejected = 100 * float64(rejected) / float64(sent)
	}
	if !down.IsZero() {
		s.outageGoodput = 100 * s.outageGoodput / accepts(up.Sub(down))
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		s.p99 = time.Duration(lat[(len(lat)*99+99)/100-1]) // nearest rank
	}
	return s
}

func (s *fleetSummary) add(o fleetSummary) {
	s.changes += o.changes
	s.failed += o.failed
	s.goodput += o.goodput
	s.rejected += o.rejected
	s.p99 += o.p99
	s.outageGoodput += o.outageGoodput
}

// report reports the mean of n runs.
func (s *fleetSummary) report(b *testing.B, n float64, outage bool) {
	b.ReportMetric(s.goodput/n, "goodput-%")
	b.ReportMetric(s.rejected/n, "429s-%")
	b.ReportMetric(float64(s.failed)/n, "errors")
	b.ReportMetric(float64(s.p99)/1e6/n, "p99-ms")
	b.ReportMetric(float64(s.changes)/n, "changes")
	if outage {
		b.ReportMetric(s.outageGoodput/n, "outage-goodput-%")
	}
}
