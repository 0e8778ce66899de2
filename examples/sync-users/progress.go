package main

import (
	"fmt"
	"io"
	"os"

	"github.com/admin/api-go/examples/internal/cli"
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

// readProgress shows how many users have been read, on stderr, a page at
// a time: the count rewritten in place on a terminal, else one line a page.
type readProgress struct {
	w     io.Writer
	tty   bool
	shown bool // a count is on the terminal's line
}

func newReadProgress(w io.Writer) *readProgress {
	f, ok := w.(*os.File)
	return &readProgress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

// users records that n users have been read, and more are coming.
func (p *readProgress) users(n int) {
	if p.tty {
		p.shown = true
		fmt.Fprintf(p.w, "\r%s: reading users: %d so far", prog, n)
	} else {
		fmt.Fprintf(p.w, "%s: reading users: %d so far\n", prog, n)
	}
}

// stop ends the line a terminal shows.
func (p *readProgress) stop() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// done says what was read.
func (p *readProgress) done(users, groups int) {
	p.stop()
	fmt.Fprintf(p.w, "%s: read %s and %s\n", prog, cli.Plural(int64(users), "user"), cli.Plural(int64(groups), "group"))
}
