package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a sync has come.
type progress struct {
	w     io.Writer
	total int
	n     int
	bar   *progressbar.ProgressBar // nil when w is not a terminal
}

// newProgress draws a live bar on w if w is a terminal, and otherwise
// prints one plain line per item, which suits logs and pipes.
func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("syncing"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// done records one finished item. It is called from one goroutine.
func (p *progress) done(r Result) {
	p.n++
	status := "ok"
	if r.Err != nil {
		status = "FAILED: " + r.Err.Error()
	}
	if p.bar == nil {
		fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", p.n, p.total, r.Label(), status)
		return
	}
	if r.Err != nil { // failures stay on screen above the bar
		_ = p.bar.Clear()
		fmt.Fprintf(p.w, "%s: %s\n", r.Label(), status)
	}
	_ = p.bar.Add(1)
}

// finish removes the bar.
func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
