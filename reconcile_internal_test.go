package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

// textKey maps what was sent and what the server stores from it to the
// same key: sanitize_text_field, htmlentities (twice for references),
// entity decoding on read.
func TestTextKeyIsTheSameForSentAndStored(t *testing.T) {
	t.Parallel()
	tests := []struct{ sent, stored string }{
		{"Call Ada", "Call Ada"},
		{"  Call  Ada\t\n", "Call Ada"},
		{"A & B <b>x</b>  y 'q' \"d\" é %41 zz", "A &amp; B x y &#039;q&#039; &quot;d&quot; &eacute; zz"},
		{"Call 😀 back", "Call &amp;#x1f600; back"},
		{"a < b", "a &lt; b"},
		{"<script>x</script>y", "xy"},
		{`back\slash`, `backslash`},
		{"unclosed <b", "unclosed "},
	}
	for _, tc := range tests {
		assert.Equal(t, textKey(tc.sent), textKey(tc.stored), "%q / %q", tc.sent, tc.stored)
	}
	assert.NotEqual(t, textKey("Call Ada"), textKey("Call Bob"))
	assert.NotEqual(t, textKey("call ada"), textKey("Call Ada"), "case is kept by the server")
}

// A title cut to 255 bytes of its escaped form, even inside an entity,
// still matches; text of another length does not.
func TestSameTextAcceptsTheServersCut(t *testing.T) {
	t.Parallel()
	sent := ""
	for i := range 100 {
		sent += fmt.Sprintf("é%d", i%10)
	}
	stored := ""
	for _, r := range sent {
		if r == 'é' {
			stored += "&eacute;"
		} else {
			stored += string(r)
		}
	}
	for _, cut := range []int{255, 254, 253, 250} {
		assert.True(t, sameText(textKey(sent), stored[:cut]), "cut at %d: %q", cut, stored[cut-8:cut])
	}
	assert.False(t, sameText(textKey("short"), "sho"), "a short stored text is not taken for a cut")
	assert.False(t, sameText(textKey(sent+"x"), stored+"y"))
}

func TestMayStillBeRunning(t *testing.T) {
	t.Parallel()
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	tests := []struct {
		err  error
		want bool
	}{
		{&APIError{StatusCode: 504}, true},
		{&APIError{StatusCode: 502}, false},
		{&APIError{StatusCode: 503}, false},
		{&RequestError{Err: context.DeadlineExceeded}, true},
		{&RequestError{Err: (&credentials{}).redactError(fmt.Errorf("attempt: %w", context.DeadlineExceeded))}, true},
		{&RequestError{Err: timeout}, true},
		{&RequestError{Err: errors.New("connection reset by peer")}, false},
		{&DecodeError{StatusCode: 200}, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, mayStillBeRunning(tc.err), "%v", tc.err)
	}
}
