package version

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"6.4.4", "6.6.1", -1}, {"6.10.0", "6.6.1", 1}, {"6.6", "6.6.0", 0}, {"6.6.1", "6.6.1", 0},
		{"6.6.1", "6.6", 1}, {"6.7.0-beta1", "6.7.0-beta2", -1}, {"6.5.0", "6.5", 0},
	} {
		assert.Equal(t, tt.want, Compare(tt.a, tt.b), "%s vs %s", tt.a, tt.b)
	}
}
