package adminotel

import (
	"context"
	"errors"
	"net"
	"strconv"

	admin "github.com/admin/api-go"
)

// The values of error.type besides an error answer's status code ("404",
// "503"). The list is closed, so that error.type stays a low-cardinality
// label; doc.go lists it for users.
const (
	errInvalidResponse = "invalid_response" // a successful status whose body could not be used
	errCutBody         = "cut_body"         // a successful answer whose body was cut short (attempts)
	errTimeout         = "timeout"          // the context's deadline, or a network timeout
	errCanceled        = "canceled"         // the context was canceled
	errRateLimited     = "rate_limited"     // the Limiter's wait would have outlasted the context
	errInvalidParams   = "invalid_params"   // the caller's mistake, caught before sending
	errTransport       = "transport"        // no answer arrived: refused, reset, TLS, DNS
	errOther           = "_OTHER"           // an error this package does not know
)

// errorType classifies the error a call returned for error.type, from the
// error's status code, the sentinels it matches and its cause; never from
// its message.
func errorType(err error) string {
	var e *admin.Error
	if !errors.As(err, &e) {
		switch {
		case errors.Is(err, admin.ErrInvalidParams):
			return errInvalidParams
		case errors.Is(err, context.DeadlineExceeded):
			return errTimeout
		case errors.Is(err, context.Canceled):
			return errCanceled
		}
		return errOther
	}
	switch {
	case errors.Is(e, admin.ErrInvalidResponse):
		return errInvalidResponse
	case e.StatusCode != 0:
		return strconv.Itoa(e.StatusCode)
	case errors.Is(e, admin.ErrRateLimited):
		return errRateLimited
	}
	return causeType(e.Err)
}

// causeType classifies why no answer arrived.
func causeType(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return errCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return errTimeout
	}
	return errTransport
}

// attemptErrorType classifies the outcome of an attempt for error.type;
// "" for a success.
func attemptErrorType(r admin.AttemptResult) string {
	switch {
	case r.StatusCode >= 400:
		return strconv.Itoa(r.StatusCode)
	case r.Err == nil:
		return ""
	case r.Retry == admin.RetryCutBody:
		return errCutBody
	}
	var e *admin.Error
	if !errors.As(r.Err, &e) {
		if r.StatusCode > 0 {
			// A successful status whose body the client could not
			// read whole: it reports that as the cause alone.
			return errCutBody
		}
		return causeType(r.Err)
	}
	return errorType(e)
}

// serverCode returns the server's machine-readable error code in err, if
// any.
func serverCode(err error) string {
	if err == nil {
		return ""
	}
	var e *admin.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
