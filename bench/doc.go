// Package bench measures the SDK against what a user could pick instead:
// hand-written net/http with encoding/json (the floor), bare
// go-retryablehttp, and clients generated from api/openapi.yaml by
// oapi-codegen and ogen. Every peer runs in the benchmark process against
// the same admintest server, which runs in a child process so that the
// client's allocations, heap and CPU time are measured alone.
// BenchmarkFleet runs its clients in worker processes of their own, as a
// fleet of programs sharing one API key would, with a redis-server for the
// limiter they share.
//
// The benchmarks live in the package's tests; run.sh runs them all and
// compares them with benchstat. docs/PERFORMANCE.md holds the results.
//
// The generated clients are not committed: run go generate in this
// directory before building the package (run.sh and .ci/bench-smoke.sh do).
// It writes gen/oapiclient and gen/ogenclient, which git ignores, from the
// configs in gen/ with the generator versions bench/go.mod pins as tools.
package bench

//go:generate go tool oapi-codegen -config gen/oapi.yml ../api/openapi.yaml
//go:generate go tool ogen -config gen/ogen.yml -target gen/ogenclient -package ogenclient -clean -loglevel error ../api/openapi.yaml
