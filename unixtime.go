package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// maxUnixSeconds is the last second of the year 9999: a later timestamp is
// not one a server meant.
const maxUnixSeconds = 253402300799

// unixTime is a timestamp in Kong's wire format: Unix seconds as a JSON
// number, integer, fractional (1556638385.25) or in exponent form
// (1.556638385e+09), decoded exactly to the nanosecond (finer digits are
// truncated). null is the zero time; a string, a negative number or one
// after the year 9999 is an error.
type unixTime struct{ time.Time }

// UnmarshalJSON decodes Unix seconds.
func (t *unixTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), " \t\r\n") // JSON whitespace only
	if s == "null" {
		t.Time = time.Time{}
		return nil
	}
	sec, nsec, err := parseUnixSeconds(s)
	if err != nil {
		return err
	}
	t.Time = time.Unix(sec, nsec).UTC()
	return nil
}

// MarshalJSON encodes Unix seconds, with a fraction when there is one;
// the zero time is null.
func (t unixTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	sec, nsec := t.Unix(), t.Nanosecond()
	if sec < 0 || sec > maxUnixSeconds {
		return nil, errors.New("admin: time outside the range of a Unix timestamp")
	}
	b := strconv.AppendInt(nil, sec, 10)
	if nsec != 0 {
		frac := strconv.Itoa(1e9 + nsec)[1:] // nine digits
		b = append(append(b, '.'), strings.TrimRight(frac, "0")...)
	}
	return b, nil
}

var errUnixTime = errors.New("admin: invalid Unix timestamp")

// parseUnixSeconds reads a JSON number of Unix seconds exactly, without
// going through float64, and refuses anything else.
func parseUnixSeconds(s string) (sec, nsec int64, err error) {
	bad := func(why string) (int64, int64, error) {
		return 0, 0, errors.Join(errUnixTime, errors.New(why))
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	mant, expStr, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if !isDigits(intPart) || (len(intPart) > 1 && intPart[0] == '0') || (hasDot && !isDigits(frac)) {
		return bad("not a number")
	}
	exp := 0
	if hasExp {
		e := strings.TrimPrefix(strings.TrimPrefix(expStr, "+"), "-")
		if !isDigits(e) || len(expStr)-len(e) > 1 {
			return bad("not a number")
		}
		if e = strings.TrimLeft(e, "0"); len(e) > 6 { // far beyond any timestamp: keep the arithmetic small
			e = "999999"
		}
		exp, _ = strconv.Atoi(e) // "" is 0
		if expStr[0] == '-' {
			exp = -exp
		}
	}
	all := intPart + frac
	digits := strings.TrimLeft(all, "0")
	point := len(intPart) - (len(all) - len(digits)) + exp // digits before the decimal point
	digits = strings.TrimRight(digits, "0")
	switch {
	case digits == "":
		return 0, 0, nil
	case neg:
		return bad("negative")
	case point > len(strconv.Itoa(maxUnixSeconds)):
		return bad("after the year 9999")
	case point < -9:
		return 0, 0, nil // under a nanosecond
	}
	secStr, fracStr := "0", ""
	switch {
	case point <= 0:
		fracStr = strings.Repeat("0", -point) + digits
	case point >= len(digits):
		secStr = digits + strings.Repeat("0", point-len(digits))
	default:
		secStr, fracStr = digits[:point], digits[point:]
	}
	if sec, _ = strconv.ParseInt(secStr, 10, 64); sec > maxUnixSeconds {
		return bad("after the year 9999")
	}
	fracStr = (fracStr + "000000000")[:9]
	nsec, _ = strconv.ParseInt(fracStr, 10, 64)
	return sec, nsec, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
