package admin

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// Page is one page of a list.
type Page[T any] struct {
	Data []T
	// NextCursor continues the list after this page; pass it as the
	// Cursor of the next List or All call. It is empty on the last page.
	NextCursor string
	// HasMore reports whether the server has more items after this page.
	HasMore bool
}

// pageStyle is how a resource paginates.
type pageStyle uint8

const (
	// cursorStyle: ?limit&cursor, answered with {"data", "meta": {"next_cursor", "has_more"}}.
	cursorStyle pageStyle = iota
	// kongStyle: ?size&offset, answered with {"data", "next", "offset"}.
	kongStyle
)

// maxEmptyPages is how many empty pages in a row that still claim more an
// iteration accepts before it gives up on the server.
const maxEmptyPages = 100

// pager lists one collection: path and the query without cursor are fixed
// when it is made, so a caller's params are copied, never shared.
type pager[T any] struct {
	c        *Client
	route    route
	rawQuery string
	style    pageStyle
	id       func(*T) string
}

func newPager[T any](c *Client, r route, q url.Values, style pageStyle, id func(*T) string) *pager[T] {
	return &pager[T]{c: c, route: r, rawQuery: q.Encode(), style: style, id: id}
}

type cursorPageWire[T any] struct {
	Data []T `json:"data"`
	Meta struct {
		NextCursor *string `json:"next_cursor"`
		HasMore    bool    `json:"has_more"`
	} `json:"meta"`
}

type kongPageWire[T any] struct {
	Data   []T     `json:"data"`
	Next   *string `json:"next"`
	Offset *string `json:"offset"`
}

// page fetches the page that starts at cursor ("" for the first).
func (p *pager[T]) page(ctx context.Context, cursor string) (*Page[T], error) {
	q := p.rawQuery
	if cursor != "" {
		name := "cursor"
		if p.style == kongStyle {
			name = "offset"
		}
		if q != "" {
			q += "&"
		}
		q += name + "=" + url.QueryEscape(cursor)
	}
	out := new(Page[T])
	var bad string
	err := p.c.send(ctx, http.MethodGet, p.route, q, nil, func(body []byte) error {
		var err error
		bad, err = decodePage(body, p.style, out)
		return err
	}, true)
	if err != nil {
		return nil, err
	}
	for i := range out.Data {
		if p.id(&out.Data[i]) == "" {
			bad = "item " + strconv.Itoa(i) + " has no id"
			break
		}
	}
	switch {
	case bad != "":
	case out.HasMore && out.NextCursor == "":
		bad = "page says there is more but gives no cursor"
	case out.HasMore && out.NextCursor == cursor:
		bad = "page's next cursor is the cursor that fetched it"
	}
	if bad != "" {
		return nil, p.invalid(bad)
	}
	return out, nil
}

// invalid returns the error for a page that contradicts the contract.
func (p *pager[T]) invalid(msg string) *Error {
	return p.c.invalidResult(http.MethodGet, p.route, msg)
}

// noData describes a page whose data is missing or null: an empty list is
// [], and taking anything else for one would end a walk early in silence.
const noData = "page has no data list"

// decodePage decodes one page of either style into out. bad describes a
// page that decoded but contradicts the contract.
func decodePage[T any](body []byte, style pageStyle, out *Page[T]) (bad string, err error) {
	switch style {
	case kongStyle:
		var w kongPageWire[T]
		if err := decodeWire(body, &w); err != nil {
			return "", err
		}
		if w.Data == nil {
			return noData, nil
		}
		out.Data = w.Data
		if w.Offset != nil && *w.Offset != "" {
			out.NextCursor = *w.Offset
		} else if w.Next != nil && *w.Next != "" {
			nu, err := url.Parse(*w.Next)
			if err != nil {
				return "next is not a URL", nil
			}
			out.NextCursor = nu.Query().Get("offset")
			if out.NextCursor == "" {
				return "next has no offset", nil
			}
		}
		out.HasMore = out.NextCursor != ""
	default:
		var w cursorPageWire[T]
		if err := decodeWire(body, &w); err != nil {
			return "", err
		}
		if w.Data == nil {
			return noData, nil
		}
		out.Data = w.Data
		out.HasMore = w.Meta.HasMore
		if w.Meta.NextCursor != nil {
			out.NextCursor = *w.Meta.NextCursor
		}
		if !out.HasMore {
			out.NextCursor = ""
		}
	}
	return "", nil
}

// all walks the collection from cursor, fetching the next page while the
// caller works on the current one. It yields an error once and stops; when
// the caller breaks out, the fetch in flight is cancelled and waited for.
func (p *pager[T]) all(ctx context.Context, cursor string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if ctx == nil {
			yield(zero, invalidParam("ctx", "context is nil"))
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		// A caller's CaptureResponse is filled on this goroutine, with the
		// page whose items are being yielded, never from the fetch ahead.
		capt, _ := ctx.Value(keyResponse).(*Response)
		type result struct {
			page *Page[T]
			resp *Response
			err  error
		}
		// The ids of the last non-empty page and of the page being
		// fetched: the fetch checks its page against them off the
		// caller's path, and the two sets trade places as pages arrive.
		// Only one fetch runs at a time, so neither is shared.
		prev := make(map[string]struct{})
		next := make(map[string]struct{})
		var inflight chan result
		fetch := func(cursor string, prev, cur map[string]struct{}) {
			ch := make(chan result, 1)
			inflight = ch
			go func() {
				var resp *Response
				fctx := ctx
				if capt != nil {
					resp = new(Response)
					fctx = CaptureResponse(ctx, resp)
				}
				pg, err := p.page(fctx, cursor)
				if err == nil {
					err = p.checkRepeats(pg, prev, cur)
				}
				ch <- result{pg, resp, err}
			}()
		}
		defer func() {
			cancel()
			if inflight != nil {
				<-inflight
			}
		}()

		// Every cursor of the walk: one coming back means the server is
		// going round in circles.
		cursors := map[string]struct{}{cursor: {}}
		empty := 0
		fetch(cursor, prev, next)
		for {
			r := <-inflight
			inflight = nil
			if capt != nil && r.resp.StatusCode != 0 {
				*capt = *r.resp
			}
			if r.err != nil {
				yield(zero, r.err)
				return
			}
			pg := r.page
			if len(pg.Data) > 0 {
				// next now holds this page's ids: it becomes the set the
				// following page is checked against.
				prev, next = next, prev
			}
			if pg.HasMore {
				if _, seen := cursors[pg.NextCursor]; seen {
					yield(zero, p.invalid("a page's next cursor is one this walk has already followed"))
					return
				}
				cursors[pg.NextCursor] = struct{}{}
				fetch(pg.NextCursor, prev, next)
			}
			if len(pg.Data) == 0 {
				if !pg.HasMore {
					return
				}
				if empty++; empty > maxEmptyPages {
					yield(zero, p.invalid("too many empty pages in a row"))
					return
				}
				continue
			}
			empty = 0
			for i := range pg.Data {
				if !yield(pg.Data[i], nil) {
					return
				}
			}
			if !pg.HasMore {
				return
			}
		}
	}
}

// checkRepeats refuses a page that repeats an item of its own or of prev,
// the last non-empty page before it: the server lost its place, and
// yielding the item twice would be worse than stopping. An empty page is
// not checked. cur is cleared and filled with the page's ids.
func (p *pager[T]) checkRepeats(pg *Page[T], prev, cur map[string]struct{}) error {
	if len(pg.Data) == 0 {
		return nil
	}
	clear(cur)
	for i := range pg.Data {
		id := p.id(&pg.Data[i])
		_, dupPrev := prev[id]
		_, dupCur := cur[id]
		if dupPrev || dupCur {
			return p.invalid("the server returned item " + strconv.Quote(id) + " twice")
		}
		cur[id] = struct{}{}
	}
	return nil
}

// limitQuery validates the page size in field and sets it as query
// parameter name.
func limitQuery(q url.Values, field, name string, v, maxV int) error {
	if v == 0 {
		return nil
	}
	if v < 1 || v > maxV {
		return invalidParam(field, "must be between 1 and "+strconv.Itoa(maxV))
	}
	q.Set(name, strconv.Itoa(v))
	return nil
}
